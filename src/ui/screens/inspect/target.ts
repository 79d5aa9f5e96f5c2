/** What the inspect screen shows: a local image (engine JSON) or a remote one (without pulling). */
export type InspectTarget =
  | { kind: 'local'; ref: string; title: string; /** Names of the containers that use it. */ usedBy?: string[] }
  | { kind: 'remote'; ref: string; registry?: string | undefined; platform?: string | undefined; title: string };
