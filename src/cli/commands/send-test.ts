import { parseArgs } from "node:util";
import { Api, GrammyError, HttpError } from "grammy";
import { formatArticle, hashtagWords } from "../../format/article.js";
import { messagesFor, supportedLanguage } from "../../i18n/index.js";
import { chatId } from "../../ids.js";
import { settingsOf } from "../../store/chat-record.js";
import { networkErrorCode } from "../../telegram/errors.js";
import { EXIT, UsageError, categoriesOf, guarded, storeOf, type ExitCode, type OperatorCli } from "../context.js";

export const SEND_TEST_USAGE = `Usage: send-test <chat_id> [--category <slug>] [--photo <image url>] [--language <code>]
  Sends a sample post to one chat, formatted as Bulletin formats articles for that chat (its
  language, and a channel's photo, preview, hashtag and signature settings when Bulletin knows it),
  to check how posts look. It is one message outside the delivery queues. Needs BOT_TOKEN.`;

export interface TelegramAccess {
  readonly token: string;
  readonly apiRoot: string;
}

/** `send-test <chat>`: a sample post, to check formatting. Exit 0 sent, 1 Telegram refused it. */
export async function runSendTestCommand(args: readonly string[], cli: OperatorCli, telegram: TelegramAccess): Promise<ExitCode> {
  const { io } = cli;
  return guarded(io, "send-test", SEND_TEST_USAGE, async () => {
    // A negative chat id (a group or channel) would read as an option: it is taken out first.
    const ids = args.filter((a) => /^-\d+$/.test(a));
    const { values, positionals: rest } = parseArgs({
      args: args.filter((a) => !/^-\d+$/.test(a)),
      options: {
        category: { type: "string", short: "c" },
        photo: { type: "string" },
        language: { type: "string" },
        json: { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    });
    const positionals = [...ids, ...rest];
    const raw = positionals[0];
    if (raw === undefined || positionals.length > 1 || !/^-?\d{1,15}$/.test(raw) || Number(raw) === 0) {
      throw new UsageError("give one chat id (an integer, like 123456789 or -1001234567890)");
    }
    if (values.photo !== undefined && !/^https?:\/\//.test(values.photo)) throw new UsageError("--photo must be an http(s) URL");
    const chat = chatId(Number(raw));
    const categories = categoriesOf(cli);
    const slug = values.category ?? categories.slugs[0]!;
    if (!categories.has(slug)) throw new UsageError(`no category "${slug}" (there are: ${categories.slugs.join(", ")})`);

    const record = await storeOf(cli).get(chat);
    const settings = settingsOf(record);
    const language = supportedLanguage(values.language ?? record?.language);
    const thread = record?.subscriptions.find((s) => s.slug === slug)?.thread;
    const message = formatArticle(
      {
        title: "Bulletin test post: this is how an article looks here",
        summary:
          "A sample summary, as a newsroom's feed or CMS would send it. Bulletin cuts long summaries " +
          "cleanly at a word and always keeps the link and the category hashtags.",
        url: "https://example.com/bulletin/send-test",
        imageUrl: values.photo,
        categories: [slug],
      },
      messagesFor(language),
      {
        photo: settings.photo,
        hashtags: settings.hashtags,
        hashtagWords: hashtagWords(categories, [slug], language),
        signature: settings.signature,
      },
    );
    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    const common = { parse_mode: "HTML" as const, ...(thread !== undefined ? { message_thread_id: thread } : {}) };
    try {
      const sent =
        message.kind === "photo"
          ? await api.sendPhoto(chat, message.photoUrl, { ...common, caption: message.html })
          : await api.sendMessage(chat, message.html, {
              ...common,
              link_preview_options: { is_disabled: !(message.linkPreview && settings.linkPreview) },
            });
      const result = { chat: Number(chat), messageId: sent.message_id, kind: message.kind, language, known: record !== undefined };
      io.stdout(
        values.json
          ? `${JSON.stringify(result)}\n`
          : `sent message ${sent.message_id} to chat ${chat} (${message.kind}, ${language}${record ? "" : "; a chat Bulletin does not know"})\n`,
      );
      return EXIT.ok;
    } catch (error) {
      if (error instanceof GrammyError) {
        io.stderr(`send-test: Telegram refused the message: ${error.error_code} ${error.description}\n`);
        return EXIT.failed;
      }
      if (error instanceof HttpError) {
        io.stderr(`send-test: cannot reach ${telegram.apiRoot} (${networkErrorCode(error)})\n`);
        return EXIT.failed;
      }
      throw error;
    }
  });
}
