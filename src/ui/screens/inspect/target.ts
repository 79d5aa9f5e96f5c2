/** What the inspect screen shows: a local image (engine JSON) or a remote one (without pulling). */
export type InspectTarget =
  | { kind: 'local'; ref: string; title: string; /** Names of the containers that use it. */ usedBy?: string[] }
  | { kind: 'remote'; ref: string; registry?: string | undefined; platform?: string | undefined; title: string; /** This tag is also on this engine (the Tags screen's mark). */ installed?: boolean };
