/**
 * 👍 / 👎 under a bot reply (issue #14; docs/corrections.md). 👍 confirms the reply; 👎 opens an inline
 * editor, "What should it have said?", pre-filled with the reply, whose Save sends the corrected answer.
 * Real buttons with accessible names (keyboard and screen readers); Escape in the editor cancels, Ctrl+Enter
 * (⌘+Enter) saves. Model text only ever goes in through `value` and `textContent`.
 */
import type { ChatEntry, WebviewMessage } from '../src/chat/protocol';
import { MAX_CORRECTION_LENGTH } from '../src/chat/protocol';
import { t } from './l10n';

function button(text: string, cls: string, label: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = text;
  b.title = label;
  b.setAttribute('aria-label', label);
  return b;
}

/** The feedback row of a finished bot reply (nothing for a stopped one, which is only part of a reply). */
export function feedbackElement(e: ChatEntry, post: (m: WebviewMessage) => void): HTMLElement | null {
  if (e.role !== 'bot' || e.stopped) return null;
  const row = document.createElement('div');
  row.className = 'feedback';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', t('Rate this reply'));
  if (e.feedback !== undefined) {
    const done = document.createElement('span');
    done.className = 'feedback-done';
    done.textContent = e.feedback === 'confirmed' ? t('👍 confirmed') : t('👎 corrected');
    row.append(done);
    return row;
  }
  const up = button('👍', 'secondary feedback-up', t('Good reply: record it as confirmed'));
  const down = button('👎', 'secondary feedback-down', t('Wrong reply: correct it'));
  up.hidden = e.unsure === true; // the not-sure message is not an answer to confirm
  up.addEventListener('click', () => {
    up.disabled = down.disabled = true;
    post({ type: 'confirm', id: e.id });
  });
  down.addEventListener('click', () => {
    row.replaceChildren(editor(e, post, () => row.replaceWith(feedbackElement(e, post) ?? row)));
    row.querySelector('textarea')?.focus();
  });
  row.append(up, down);
  return row;
}

function editor(e: ChatEntry, post: (m: WebviewMessage) => void, cancel: () => void): HTMLElement {
  const form = document.createElement('div');
  form.className = 'correction';
  const id = `correction-${e.id}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = t('What should it have said?');
  const text = document.createElement('textarea');
  text.id = id;
  text.className = 'input correction-text';
  text.rows = 2;
  text.maxLength = MAX_CORRECTION_LENGTH;
  text.value = e.unsure ? '' : e.text;
  const save = button(t('Save'), 'correction-save', t('Save the correction'));
  const back = button(t('Cancel'), 'secondary correction-cancel', t('Cancel the correction'));
  const submit = (): void => {
    const answer = text.value.trim();
    if (answer === '') {
      text.focus();
      return;
    }
    save.disabled = back.disabled = text.disabled = true;
    post({ type: 'correct', id: e.id, text: answer });
  };
  save.addEventListener('click', submit);
  back.addEventListener('click', cancel);
  text.addEventListener('keydown', (ev: KeyboardEvent) => {
    if (ev.isComposing || ev.keyCode === 229) return;
    if (ev.key === 'Escape') {
      ev.preventDefault();
      cancel();
    } else if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      submit();
    }
  });
  const buttons = document.createElement('div');
  buttons.className = 'correction-buttons';
  buttons.append(save, back);
  form.append(label, text, buttons);
  return form;
}
