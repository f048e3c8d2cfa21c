/**
 * The webviews' `t`: English messages translated with the bundle the extension put in the page
 * (`<body data-l10n>`, see extension/webviewPage.ts and src/chat/l10n.ts). Every user-visible string in
 * media/ goes through `t` with a string literal, so test/unit/extension/l10n.test.ts can check the Japanese bundle has it.
 */
import { parseBundle, translator } from '../src/chat/l10n';

export const t = translator(parseBundle(document.body.dataset.l10n));
