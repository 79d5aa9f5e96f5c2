// A question (src/ui/actions/action.ts): its title and lines, and only the answers that can work. It
// takes keys first; a key that answers nothing is refused aloud ("answer f or n"); Enter is not yes.
// A question that destroys something is answered only by keys typed after it was drawn: keys that
// were queued, or typed before its frame reached the terminal, are dropped, and it says how many.
import { Box, Text } from 'ink';
import React, { useEffect, useState } from 'react';
import { asciiText } from '../../domain/prose';
import type { Answer, Question } from '../actions/action';
import { PRIORITY, useCommands, useGate } from '../hooks/inputRouter';
import type { CommandId } from '../keys/bindings';
import { truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';

export interface ConfirmDialogProps {
  question: Question;
  theme: Theme;
  width: number;
  /** The answer, or null for no (n, Esc). */
  onAnswer: (answer: Answer | null) => void;
}

const COMMAND: Record<Answer, CommandId> = { yes: 'confirm.yes', force: 'confirm.force', all: 'confirm.all' };
const KEY: Record<Answer, string> = { yes: 'y', force: 'f', all: 'a' };
const WORD: Record<Answer, string> = { yes: 'yes', force: 'force', all: 'all' };

/** What a key that answers nothing says: the keys that do. */
export function answersText(answers: readonly Answer[]): string {
  return `answer ${[...answers.map((a) => KEY[a]), 'n'].join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
}

export function ConfirmDialog({ question, theme, width, onAnswer }: ConfirmDialogProps): React.JSX.Element {
  const answers = question.answers ?? ['yes'];
  const gate = useGate();
  const [dropped, setDropped] = useState(0);
  useEffect(() => gate.onDrop(setDropped), [gate]);
  useCommands(
    ['confirm'],
    (command) => {
      if (command === 'confirm.no') onAnswer(null);
      else if (command === 'confirm.yes') onAnswer('yes');
      else if (command === 'confirm.force') onAnswer('force');
      else if (command === 'confirm.all') onAnswer('all');
    },
    {
      priority: PRIORITY.question,
      modal: true,
      commands: [...answers.map((a) => COMMAND[a]), 'confirm.no'],
      refusal: answersText(answers),
      ...(question.destroys ? { gate } : {}),
    },
  );
  // A terminal that is not UTF-8 gets `->` for `→` (an update's versions), as the banner does.
  const plain = (text: string): string => (theme.ascii ? asciiText(text) : text);
  const title = plain(question.title);
  const lines = (question.lines ?? []).map(plain);
  if (dropped > 0) lines.push(`${dropped} key${dropped === 1 ? '' : 's'} typed before this question ${dropped === 1 ? 'was' : 'were'} ignored`);
  const w = Math.min(width, Math.max(40, title.length + 6, ...lines.map((l) => l.length + 4)));
  // Inside the border and the padding; cut with the theme's ellipsis (`...` under LANG=C), not Ink's.
  const inner = Math.max(1, w - 4);
  const cut = (text: string) => truncate(text, inner, theme.glyph.ellipsis);
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.status.warning} paddingX={1} width={w} flexShrink={0}>
      <Text bold wrap="truncate-end">
        {cut(title)}
      </Text>
      {lines.map((line, i) => (
        <Text key={i} color={i >= (question.lines?.length ?? 0) ? theme.status.warning : theme.text.muted} wrap="truncate-end">
          {cut(line)}
        </Text>
      ))}
      <Text>
        {answers.map((a) => (
          <Text key={a}>
            <Text color={a === 'force' ? theme.status.warning : theme.text.accent} bold>
              {KEY[a]}
            </Text>
            <Text>{` ${question.words?.[a] ?? WORD[a]}  `}</Text>
          </Text>
        ))}
        <Text color={theme.text.accent} bold>
          n
        </Text>
        <Text> no</Text>
      </Text>
    </Box>
  );
}
