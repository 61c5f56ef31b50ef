// The class of every error zoomkit throws or rejects with. It lives in JS so
// that apps can test `error instanceof ZoomkitError`; the wasm makes its
// instances (src/error.rs) and the package's index.js exports the class.
// Its fields are described in the package's .d.ts.
export class ZoomkitError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = "ZoomkitError";
    if (fields) Object.assign(this, fields);
  }
}
