"""Creating Kubernetes Secrets from the workspace: the API client, who this pod is, and the
steps that create a Secret and mount it (policy: `c.SecretMounts.allow_create_secrets`)."""
