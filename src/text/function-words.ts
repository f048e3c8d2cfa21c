/**
 * Function words: the closed-class words of English and Japanese (articles, pronouns, auxiliaries,
 * prepositions, particles, question words) and the phrases a question is framed with ("tell me", "please",
 * 教えてください, 知りたい). Any question may have them, whatever it is about, so they say little about
 * which trained question a new one is close to.
 *
 * Why a fixed list: the question index (src/chat/answers.ts) weighs words by their inverse document frequency
 * over the trained questions, and a user's FAQ of a hundred questions is too small for that to find them:
 * "what", "the", の and 教え come out as rare as "refund", so an off-topic question ("カレーの作り方を教えて",
 * "how many players are on a soccer team") looks close to a trained one through its function words alone.
 * General knowledge of the two languages, not of any domain; the words are read as questions are
 * (src/text/analyze.ts: stemmed, segmented), so the list matches what the index sees.
 */
import { questionWords } from './analyze';

const ENGLISH = `
a an the this that these those some any all each every no not none other another such own same
i me my mine myself you your yours yourself we us our ours he him his she her it its they them their theirs
what which who whom whose when where why how whether
is am are was were be been being do does did doing done have has had having
can could will would shall should may might must ought
of in on at to for from by with without about into onto over under up down out off than then so and or but if
as because while there here also too very just only even still yet again ever really
much many more most few less least lot lots
please tell know want wanna like need let
`;

/** Whole expressions; each is segmented as a question is, and every piece counts as a function word. */
const JAPANESE = `
は が の を に へ と で も や か ね よ な わ ぞ さ から まで より って て た だ
です ます ません でした ました でしょう ない なかった ある あります いる います いますか
する します しますか した して しています できる できます できますか できません なる なります
こと もの これ それ あれ どれ この その あの どの ここ そこ あそこ どこ こちら そちら どちら
何 なに なん なんで どう どうして どうやって どんな どのくらい いつ 誰 だれ なぜ いくつ いくら
教えて 教えてください ください 知りたい たい ほしい いい よい 私 僕 わたし ぼく 自分 あなた すれば ですか
`;

let table: ReadonlySet<string> | undefined;

function functionWords(): ReadonlySet<string> {
  if (table === undefined) {
    table = new Set(`${ENGLISH} ${JAPANESE}`.split(/\s+/).filter((w) => w !== '').flatMap(questionWords));
  }
  return table;
}

const HIRAGANA = /^[\u3041-\u309f]$/;

/**
 * Whether a question word (as src/text/analyze.ts reads it) is a function word: listed above, or a lone
 * hiragana character (what the segmenter leaves of an inflected verb: 届|き|ます, す|れ|ば).
 */
export function isFunctionWord(word: string): boolean {
  return functionWords().has(word) || HIRAGANA.test(word);
}
