// Engines as `engine list|add|use` show them (DESIGN.md "engine list"), and the rule that chose the engine
// in use, in the words the app's header and the CLI use.
import { type EngineEntry, type EngineRule, type EngineStatus, engineToJson } from '../domain/engines';
import { table } from './table';

export { engineToJson as engineStatusJson };

export function engineEntryJson(e: EngineEntry): Record<string, unknown> {
  return { name: e.name, host: e.host, source: e.source, active: e.active };
}

export function engineTable(list: EngineStatus[], columns: number | undefined): string[] {
  return table(
    list,
    [
      { header: '', get: (e) => (e.active ? '*' : '') },
      { header: 'NAME', get: (e) => e.name },
      { header: 'SOURCE', get: (e) => e.source },
      { header: 'HOST', get: (e) => e.host, flex: true },
      { header: 'VERSION', get: (e) => (e.reachable ? (e.version ?? '?') : `not answering: ${e.error ?? ''}`), flex: true },
    ],
    columns,
  );
}

const RULE_TEXT: Record<EngineRule, string> = {
  '--engine': 'by --engine',
  switched: 'switched here',
  DOCKER_HOST: 'from DOCKER_HOST',
  DOCKER_CONTEXT: 'from DOCKER_CONTEXT',
  chosen: 'chosen with C or engine use',
  'docker context': "docker's current context",
  default: 'the default socket',
};

/** Why this engine is the one in use, in a few words (`from DOCKER_HOST`). */
export function engineRuleText(rule: EngineRule): string {
  return RULE_TEXT[rule];
}
