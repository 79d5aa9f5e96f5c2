// The question `d` asks on Local, in the words of what the row is: a docker image (tags, containers) or an
// LXC image (LXD deletes it by fingerprint; "containers" there are instances, which keep their own copy).
import type { Question } from '../../actions/action';
import { type LocalRow, shortId } from './local';

export function deleteTitle(row: LocalRow): string {
  // An LXC image is its alias and its fingerprint (its "tag" is the fingerprint again).
  if (row.repo.type === 'lxc') return `the LXC image ${row.repo.name} (${shortId(row.id)})`;
  return row.repo.name === '<none>' ? `dangling image ${shortId(row.id)}` : `${row.repo.name}:${row.tags.join(', ')} (${shortId(row.id)})`;
}

/**
 * `others`: every Local row (the same image under another repository is another row). An image a container uses
 * can only be deleted by force, so y is not offered; but when another repository still names it, deleting this row
 * only untags it (docker does that without force) and the image stays.
 */
export function deleteQuestion(row: LocalRow, others: readonly LocalRow[]): Question {
  const title = `Delete ${deleteTitle(row)}?`;
  if (row.repo.type === 'lxc') {
    return { title, lines: ['LXD deletes the image by its fingerprint (every alias goes with it)', 'instances made from it keep running: they have their own copy'], destroys: true };
  }
  const users = row.containers.length ? `used by: ${row.containers.join(', ')}` : row.inUse ? 'used by a container' : 'no container uses it';
  const namedElsewhere = row.repo.name !== '<none>' ? others.find((o) => o.id === row.id && o.repo.name !== row.repo.name && o.repo.name !== '<none>') : undefined;
  if (row.inUse && namedElsewhere) {
    return { title, lines: [users, `untags it only: the image stays, ${namedElsewhere.repo.name}:${namedElsewhere.tags[0] ?? ''} still names it`], answers: ['yes'], destroys: true };
  }
  if (row.inUse) return { title, lines: [users, 'only f (force) deletes it: the containers keep running on the untagged image'], answers: ['force'], destroys: true };
  return { title, lines: [users, row.repo.name === '<none>' ? 'deletes this dangling image' : 'untags each of its tags; the image goes with its last tag'], answers: ['yes'], destroys: true };
}
