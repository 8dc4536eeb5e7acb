// SVG files are bundled as strings (the builder's `asset/source`, jest's raw loader).
declare module '*.svg' {
  const svgstr: string;
  export default svgstr;
}
