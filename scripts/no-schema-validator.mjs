// Stands in for ajv / ajv-formats in the bundle. conf imports them at load time, but uses them
// only when a JSON schema is given, and stevedore validates its files itself (src/store/), so
// ~150 KB of validator code would be parsed on every start for nothing.
export class Ajv2020 {
  constructor() {
    throw new Error('stevedore bundles conf without ajv: do not pass a schema to conf');
  }
}
export default function addFormats() {}
