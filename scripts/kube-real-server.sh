#!/usr/bin/env bash
# The real-server test tier: a real Kubernetes API server for custom resources.
#
# k8s.io/apiextensions-apiserver is the custom-resource server that kube-apiserver embeds: the same
# request handling, negotiation, paging, CRD validation, defaulting, pruning and Status objects. It
# is built here from Debian unstable's golang-k8s-*-dev source packages with Debian's Go, in GOPATH
# mode (no module downloads), and run on Debian's etcd on 127.0.0.1. The packages are downloaded
# with a private apt configuration from the Debian mirror this machine already uses and unpacked
# with dpkg-deb: nothing is installed into the system. The build is cached outside the repository,
# keyed on the package versions, so it happens once per machine.
#
#   scripts/kube-real-server.sh build        build (or reuse) the server; prints its folder
#   scripts/kube-real-server.sh run CMD...   start etcd, the authorization webhook and the server
#                                            with the upstream CRDs, run CMD with
#                                            SECRET_MOUNTS_REAL_APISERVER=<folder of kubeconfigs>,
#                                            then stop them all
#
# Environment: SECRET_MOUNTS_KUBE_CACHE (cache folder), SECRET_MOUNTS_KUBE_REFRESH=1 (look for
# newer packages even though a build exists), SECRET_MOUNTS_KUBE_PORT (first of 4 consecutive
# ports to use; default: free ones).
#
# When the tier cannot run here (no Debian registry, or sid is mid-transition and does not build),
# it says so in one line on stderr and exits 3.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(...) stops the script too
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SECRET_MOUNTS_KUBE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/jupyterlab-secret-mounts}
APT_DIR=$CACHE/apt-sid
TIER="real-server tier"

unavailable() {
  echo "$TIER: $* (skipped; the rest of the suite runs without it)" >&2
  exit 3
}

# ------------------------------------------------------------------------------------- build

# The first Debian archive URI this machine's apt sources name (one-line or deb822 format).
debian_mirror() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
    2>/dev/null |
    sed -nE 's/^deb(\s+\[[^]]*\])?\s+(\S+)\s.*/\2/p; s/^URIs:\s*(\S+).*/\1/p' |
    grep -E '/debian/?$' | head -n 1 || true
}

apt_sid() {
  APT_CONFIG=$APT_DIR/apt.conf "$@"
}

# A private apt for Debian unstable: its own sources, lists, cache and (empty) dpkg status.
setup_apt() {
  local mirror
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || unavailable "no Debian mirror in /etc/apt/sources.list*"
  mkdir -p "$APT_DIR"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,lists/partial,cache/archives/partial}
  touch "$APT_DIR/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" \
    >"$APT_DIR/etc/sources.list"
  cat >"$APT_DIR/apt.conf" <<EOF
Dir::Etc "$APT_DIR/etc";
Dir::State "$APT_DIR";
Dir::State::Lists "$APT_DIR/lists";
Dir::State::status "$APT_DIR/status";
Dir::Cache "$APT_DIR/cache";
APT::Architecture "$(dpkg --print-architecture)";
Acquire::Languages "none";
// Mirrors that serve a frozen snapshot of sid carry an expired Release date.
Acquire::Check-Valid-Until "false";
Debug::NoLocking "true";
EOF
  # apt-get update only warns when a source cannot be fetched: look for the lists themselves.
  apt_sid apt-get update -qq >/dev/null 2>&1 || true
  compgen -G "$APT_DIR/lists/*_sid_main_*Packages*" >/dev/null ||
    unavailable "cannot read Debian unstable's package lists from $mirror"
}

# "package=version" for every package the build needs: the apiextensions-apiserver source and
# its Go source dependencies (all Architecture: all), Debian's newest Go, and etcd.
resolve_packages() {
  local go sources
  go=$(apt_sid apt-cache depends golang-go 2>/dev/null | sed -nE 's/^\s*Depends: (golang-1\.[0-9]+-go)$/\1/p' | head -n 1)
  [ -n "$go" ] || unavailable "Debian unstable has no golang-go"
  sources=$(apt_sid apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances golang-k8s-apiextensions-apiserver-dev 2>/dev/null |
    grep -E '^golang-\S+-dev$' | sort -u)
  [ -n "$sources" ] || unavailable "Debian unstable has no golang-k8s-apiextensions-apiserver-dev"
  # shellcheck disable=SC2086
  apt_sid apt-cache show --no-all-versions $sources "$go" "${go%-go}-src" etcd-server 2>/dev/null |
    awk '/^Package:/ { p = $2 } /^Version:/ { print p "=" $2 }' | sort -u
}

# Newest finished build, if any.
cached_build() {
  local ready
  ready=$(ls -t "$CACHE"/apiextensions-*/ready 2>/dev/null | head -n 1 || true)
  [ -n "$ready" ] && dirname "$ready"
}

build() {
  mkdir -p "$CACHE"
  # One build at a time per machine; the second waits and then reuses the first one's.
  exec 9>"$CACHE/build.lock"
  flock 9
  local dir
  if [ "${SECRET_MOUNTS_KUBE_REFRESH:-}" != 1 ] && dir=$(cached_build); then
    echo "$dir"
    return
  fi
  setup_apt
  local versions key work go started
  versions=$(resolve_packages)
  key=$(printf '%s\n' "$versions" | sha256sum | cut -c1-12)
  dir=$CACHE/apiextensions-$(printf '%s\n' "$versions" | sed -nE 's/^golang-k8s-apiextensions-apiserver-dev=(.*)$/\1/p')-$key
  if [ -f "$dir/ready" ]; then
    echo "$dir"
    return
  fi
  echo "$TIER: building the API server from $(printf '%s\n' "$versions" | wc -l) Debian unstable packages (once per machine, ~15 min)" >&2
  started=$(date +%s)
  work=$CACHE/work-$key
  rm -rf "$work" "$dir"
  mkdir -p "$work/debs" "$work/root" "$dir"
  # shellcheck disable=SC2046
  (cd "$work/debs" && apt_sid apt-get download -qq $(printf '%s\n' "$versions") >/dev/null 2>&1) ||
    unavailable "could not download the Debian unstable packages"
  for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
  done
  go=$(ls "$work"/root/usr/lib/go-1.*/bin/go | sort -V | tail -n 1)
  if ! (cd "$work/root/usr/share/gocode/src/k8s.io/apiextensions-apiserver" &&
    env -i PATH=/usr/bin:/bin HOME="$work" GOROOT="$(dirname "$(dirname "$go")")" \
      GOPATH="$work/root/usr/share/gocode" GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local \
      GOFLAGS=-trimpath CGO_ENABLED=0 GOCACHE="$work/gocache" \
      nice -n 10 "$go" build -o "$dir/apiextensions-apiserver" k8s.io/apiextensions-apiserver) \
    >"$CACHE/build-$key.log" 2>&1; then
    rm -rf "$work" "$dir"
    unavailable "Debian unstable's packages do not build today (see $CACHE/build-$key.log)"
  fi
  cp "$work/root/usr/bin/etcd" "$dir/etcd"
  {
    echo "# Debian unstable packages used, built $(date -u +%FT%TZ) in $(($(date +%s) - started)) s"
    printf '%s\n' "$versions"
  } >"$dir/VERSIONS"
  rm -rf "$work" "$APT_DIR/cache/archives"/*.deb "$CACHE/build-$key.log"
  touch "$dir/ready"
  echo "$dir"
}

# --------------------------------------------------------------------------------------- run

free_ports() {
  node -e '
    const net = require("node:net");
    const servers = [0, 1, 2, 3].map(() => net.createServer().listen(0, "127.0.0.1"));
    Promise.all(servers.map(s => new Promise(r => s.on("listening", r)))).then(() => {
      console.log(servers.map(s => s.address().port).join(" "));
      servers.forEach(s => s.close());
    });'
}

make_certificates() {
  local dir=$1
  (
    cd "$dir"
    key() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2>/dev/null; }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
      -keyout ca.key -out ca.crt -subj /CN=real-server-tier-ca 2>/dev/null
    sign() { # name subject extension
      key -keyout "$1.key" -out "$1.csr" -subj "$2"
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -out "$1.crt" -extfile "$1.ext" 2>/dev/null
    }
    sign server /CN=127.0.0.1 "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"
    # Client certificates: the organisation is the group. system:masters is never asked about.
    sign admin "/O=system:masters/CN=admin" "extendedKeyUsage=clientAuth"
    sign viewer /CN=viewer "extendedKeyUsage=clientAuth"
    sign nobody /CN=nobody "extendedKeyUsage=clientAuth"
  )
}

wait_for_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# What `run` started, for `stop` (globals: the EXIT trap runs after `run` returned).
PIDS=()
RUN_DIR=
stop() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$RUN_DIR" ] || rm -rf "$RUN_DIR"
}

run() {
  local dir
  dir=$(build)
  local ports etcd_port peer_port webhook_port api_port
  if [ -n "${SECRET_MOUNTS_KUBE_PORT:-}" ]; then
    ports="$SECRET_MOUNTS_KUBE_PORT $((SECRET_MOUNTS_KUBE_PORT + 1)) $((SECRET_MOUNTS_KUBE_PORT + 2)) $((SECRET_MOUNTS_KUBE_PORT + 3))"
  else
    ports=$(free_ports)
  fi
  read -r etcd_port peer_port webhook_port api_port <<<"$ports"
  local run_dir
  run_dir=$(mktemp -d "${TMPDIR:-/tmp}/kube-real-server.XXXXXX")
  RUN_DIR=$run_dir
  trap stop EXIT
  make_certificates "$run_dir"
  cat >"$run_dir/webhook.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: webhook
  cluster: {server: "https://127.0.0.1:$webhook_port", certificate-authority: "$run_dir/ca.crt"}
users:
- name: apiserver
  user: {}
contexts:
- name: webhook
  context: {cluster: webhook, user: apiserver}
current-context: webhook
EOF
  "$dir/etcd" --data-dir "$run_dir/etcd" --log-level error \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "default=http://127.0.0.1:$peer_port" >"$run_dir/etcd.log" 2>&1 &
  PIDS+=($!)
  node "$ROOT/test/kube-real/webhook.mjs" "$webhook_port" "$run_dir/server.crt" "$run_dir/server.key" \
    >"$run_dir/webhook.log" 2>&1 &
  PIDS+=($!)
  wait_for_port "$etcd_port" || { cat "$run_dir/etcd.log" >&2; echo "$TIER: etcd did not start" >&2; exit 1; }
  # Authentication: client certificates (the webhook turns every token down). Authorization:
  # system:masters, else the webhook. The core API it reads for admission: the webhook too.
  "$dir/apiextensions-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$run_dir/server.crt" --tls-private-key-file "$run_dir/server.key" \
    --client-ca-file "$run_dir/ca.crt" --authentication-skip-lookup \
    --authentication-kubeconfig "$run_dir/webhook.kubeconfig" \
    --authorization-kubeconfig "$run_dir/webhook.kubeconfig" \
    --kubeconfig "$run_dir/webhook.kubeconfig" >"$run_dir/apiserver.log" 2>&1 &
  PIDS+=($!)
  if ! node "$ROOT/test/kube-real/setup-cluster.mjs" "$run_dir" "https://127.0.0.1:$api_port"; then
    grep -v "^I" "$run_dir/apiserver.log" | tail -n 20 >&2
    echo "$TIER: the API server did not come up" >&2
    exit 1
  fi
  cp "$dir/VERSIONS" "$run_dir/VERSIONS"
  local status=0
  SECRET_MOUNTS_REAL_APISERVER=$run_dir "$@" || status=$?
  return "$status"
}

case "${1:-}" in
  build) build ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }
    run "$@"
    ;;
  *)
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
