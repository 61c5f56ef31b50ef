// __NAME__: importing this module touches no browser global.
// Call `await init()` once (in the browser) before using anything else.
//
// Written by `cargo xtask pkg` (xtask/src/entry.js) around wasm-bindgen's
// output, so that a call before `init()` or on a freed object is a
// `ZoomkitError` saying what to do instead of wasm-bindgen's `TypeError` or
// "null pointer passed to rust", and so that a promise-returning method on a
// freed object rejects rather than throws.
import * as wasm from "./__NAME__.js";
__ERROR_IMPORT__
export * from "./__NAME__.js";

let ready = false;

/** Loads the wasm (once; later calls reuse it). Resolves when zoomkit can be used. */
export async function init(options) {
  const exports = await wasm.default(options);
  ready = true;
  return exports;
}
export default init;

/** `init` for an already compiled `WebAssembly.Module` or its bytes. */
export function initSync(options) {
  const exports = wasm.initSync(options);
  ready = true;
  return exports;
}

function usage(message) {
  const error = new ZoomkitError(message);
  error.kind = "usage";
  return error;
}

function notReady(what) {
  return usage(
    `${what} was called before init(): call \`await init()\` (imported from this package) once, in the browser, before using anything else`,
  );
}

function freed(cls, what) {
  return usage(
    `${what} was called on a ${cls} that is freed (free() was called, or it was handed to zoomkit, which owns it now): create a new ${cls}`,
  );
}

const lower = (name) => name[0].toLowerCase() + name.slice(1);

// Wraps the class's methods in place (instances made by the wasm use the same
// prototype) and returns a proxy whose constructor checks `init()` first.
function guardClass(cls, name, asyncMethods) {
  const proto = cls.prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === "constructor" || key.startsWith("__")) continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    const what = `${lower(name)}.${key}`;
    if (key === "free" && typeof d.value === "function") {
      const original = d.value;
      // Freeing twice is harmless.
      d.value = function free() {
        if (this.__wbg_ptr) original.call(this);
      };
    } else if (typeof d.value === "function") {
      const method = d.value;
      const rejects = asyncMethods.includes(key);
      d.value = function (...args) {
        if (!this.__wbg_ptr) {
          const error = freed(name, `${what}()`);
          if (rejects) return Promise.reject(error);
          throw error;
        }
        return method.apply(this, args);
      };
    } else if (d.get) {
      const get = d.get;
      d.get = function () {
        if (!this.__wbg_ptr) throw freed(name, what);
        return get.call(this);
      };
    } else {
      continue;
    }
    Object.defineProperty(proto, key, d);
  }
  if (typeof Symbol.dispose === "symbol" && proto[Symbol.dispose]) {
    proto[Symbol.dispose] = proto.free;
  }
  for (const key of Object.getOwnPropertyNames(cls)) {
    const d = Object.getOwnPropertyDescriptor(cls, key);
    if (key.startsWith("__") || typeof d.value !== "function") continue;
    const method = d.value;
    d.value = function (...args) {
      if (!ready) throw notReady(`${name}.${key}()`);
      return method.apply(this, args);
    };
    Object.defineProperty(cls, key, d);
  }
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      if (!ready) throw notReady(`new ${name}()`);
      return Reflect.construct(target, args, newTarget);
    },
  });
}

function guardFunction(fn, name) {
  return function (...args) {
    if (!ready) throw notReady(`${name}()`);
    return fn.apply(this, args);
  };
}

__EXPORTS__
