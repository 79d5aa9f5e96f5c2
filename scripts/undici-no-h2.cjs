/* global module */
// Stands in for undici's HTTP/2 client (lib/dispatcher/client-h2.js) in the bundles. undici speaks HTTP/2 only
// when a dispatcher is made with `allowH2: true` (it then offers h2 in TLS ALPN); stevedore never sets it, so
// undici offers http/1.1 alone and this is never called. The real module loads node:http2 and reads its
// constants when it is imported (~2 ms at every start of a registry command), and node:http2 cannot be in the
// single file's startup snapshot (scripts/build-bin.mjs).
module.exports = function connectH2() {
  throw new Error('HTTP/2 is not enabled in stevedore (undici allowH2 is off)');
};
