import { isolate as i, startRtl } from "./bidi.js";
import type { Messages } from "./en.js";
import { formatCount, joinList } from "./format.js";

const count = (n: number) => formatCount(n, "fa");

/**
 * Every string the bot sends, in Persian. Each message starts with a right-to-left letter, and every
 * left-to-right insert (a command, an @username, a slug, a chat's title, an id) is isolated so that
 * it cannot reorder the line (bidi.ts); numbers Bulletin writes are in Persian digits (format.ts).
 * A list of category titles arrives already joined (bot/replies.ts isolates its English titles).
 */
export const fa: Messages = {
  welcome: (name: string) =>
    `سلام ${i(name)}! خبرهای دسته‌هایی را که انتخاب کنید، همان لحظه‌ای که منتشر می‌شوند برایتان می‌فرستم.\n\nبرای دنبال کردن یک دسته روی آن بزنید:`,
  subscribed: (titles: string) => `✅ از این پس دنبال می‌کنید: ${titles}.`,
  alreadySubscribed: (titles: string) => `این‌ها را از قبل دنبال می‌کنید: ${titles}.`,
  unsubscribed: (titles: string) => `دیگر دنبال نمی‌کنید: ${titles}.`,
  notSubscribed: (titles: string) => `این‌ها را دنبال نمی‌کردید: ${titles}.`,
  unknownCategories: (unknown: readonly string[], valid: string) =>
    `دسته‌ی ${joinList(unknown.map(i), "fa")} را نمی‌شناسم. دسته‌ها: ${valid}.`,
  subscribeUsage: (valid: string) => `بگویید کدام دسته‌ها، مثلاً ${i("/subscribe world")}. دسته‌ها: ${valid}.`,
  unsubscribeUsage: `بگویید دنبال کردن کدام دسته‌ها تمام شود، مثلاً ${i("/unsubscribe world")}، یا با ${i("/stop")} همه را متوقف کنید.`,
  mySubscriptions: (titles: string) => `دسته‌هایی که دنبال می‌کنید: ${titles}.`,
  noSubscriptions: `هنوز هیچ دسته‌ای را دنبال نمی‌کنید. برای انتخاب، ${i("/categories")} را بفرستید.`,
  categoriesHeader: "روی هر دسته بزنید تا دنبالش کنید یا دیگر دنبالش نکنید (✅ دنبال می‌کنید، ➕ برای افزودن):",
  stopped: `دیگر هیچ دسته‌ای را دنبال نمی‌کنید و پیامی از من نمی‌گیرید. هر وقت خواستید با ${i("/categories")} برگردید.`,
  stoppedNothing: `چیزی را دنبال نمی‌کردید. برای انتخاب، ${i("/categories")} را بفرستید.`,
  slowDown: (seconds: number) => `پیام‌هایتان خیلی پشت سر هم رسید؛ ${count(seconds)} ثانیه‌ی دیگر دوباره جواب می‌دهم.`,
  help: (valid: string) =>
    [
      "خبرهای دسته‌هایی را که دنبال می‌کنید برایتان می‌فرستم.",
      "",
      `${i("/categories")}: انتخاب دسته‌ها با دکمه`,
      `${i("/subscribe <category>")}: دنبال کردن دسته‌ها، مثلاً ${i("/subscribe world")}`,
      `${i("/unsubscribe <category>")}: لغو دنبال کردن دسته‌ها`,
      `${i("/mysubs")}: دسته‌هایی که دنبال می‌کنید`,
      `${i("/stop")}: توقف همه‌چیز`,
      `${i("/language")}: فارسی یا English`,
      `${i("/help")}: همین راهنما`,
      "",
      "برای کانال یا گروه خودتان (اول مرا در آن مدیر کنید):",
      `${i("/link @channel <category>")}: فرستادن یک دسته به آنجا`,
      `${i("/unlink @channel [category]")}: توقف`,
      `${i("/channels")}: گفت‌وگوهایی که پیوند داده‌اید`,
      `${i("/settings @channel")}: عکس، پیش‌نمایش پیوند، هشتگ و امضا`,
      "",
      `دسته‌ها: ${valid}.`,
    ].join("\n"),
  toggledOn: (title: string) => `دنبال می‌کنید: ${title}`,
  toggledOff: (title: string) => `لغو شد: ${title}`,
  readMore: "ادامه‌ی خبر",
  digestHeader: (n: number) => `📰 ${count(n)} خبر تازه`,
  linkUsage: (valid: string) =>
    [
      "پیوند دادن کانال یا گروهی که مدیرش هستید به دسته‌ها:",
      i("/link @channel world economy"),
      i("/link -1001234567890 world"),
      `${i("/link -1001234567890 world topic=12")} (یک تاپیک انجمن)`,
      "",
      "اول مرا در آن مدیر کنید و اجازه‌ی فرستادن پیام بدهید.",
      `دسته‌ها: ${valid}.`,
    ].join("\n"),
  unlinkUsage: `بگویید کدام گفت‌وگو: ${i("/unlink @channel")} (همه‌چیز) یا ${i("/unlink @channel world")}.`,
  chatNotFound: (ref: string) =>
    `${i(ref)} را پیدا نمی‌کنم. اول مرا به آن اضافه کنید (در کانال، به‌عنوان مدیر)، بعد دوباره با نام کاربری (@) یا شناسه‌اش امتحان کنید.`,
  userNotAdmin: (title: string) => `شما مدیر ${i(title)} نیستید، پس نمی‌توانید تعیین کنید چه چیزی دریافت کند.`,
  botNotInChat: (title: string) => `من در ${i(title)} نیستم. اول مرا به آن اضافه کنید (در کانال، به‌عنوان مدیر).`,
  botCannotPost: (title: string) => `نمی‌توانم در ${i(title)} پست بگذارم: مرا مدیر کنید و اجازه‌ی فرستادن پیام بدهید.`,
  linked: (title: string, titles: string) => `✅ از این پس ${i(title)} دریافت می‌کند: ${titles}.`,
  alreadyLinked: (title: string, titles: string) => `این‌ها را ${i(title)} از قبل دریافت می‌کند: ${titles}.`,
  unlinked: (title: string, titles: string) => `دیگر ${i(title)} دریافت نمی‌کند: ${titles}.`,
  nothingLinked: (title: string) => `چیزی از من به ${i(title)} نمی‌رسد.`,
  channelsHeader: "گفت‌وگوهایی که پیوند داده‌اید:",
  channelLine: (title: string, titles: string) => startRtl(`• ${i(title)}: ${titles}`),
  noChannels: `هنوز هیچ کانال یا گروهی را پیوند نداده‌اید. برای دیدن روشش ${i("/link")} را بفرستید.`,
  addedToChat: (title: string) => `ممنون که مرا به ${i(title)} اضافه کردید. دسته‌هایی را که باید دریافت کند انتخاب کنید:`,
  addedToGroupNote: (botUsername: string) =>
    `ممنون که مرا اضافه کردید! یکی از مدیران با ${i("/subscribe <category>")} در همین گروه، یا در گفت‌وگوی خصوصی با ${i(`@${botUsername}`)} و دستور ${i("/link")}، تعیین می‌کند این گروه چه دریافت کند.`,
  chatLost: (title: string) =>
    `دیگر نمی‌توانم در ${i(title)} پست بگذارم (مرا حذف کرده‌اند، دسترسی‌ام گرفته شده یا گفت‌وگو از بین رفته)، پس فرستادن خبر به آن را متوقف کردم. برای ادامه، مرا دوباره مدیر کنید و باز با ${i("/link")} پیوندش دهید.`,
  chatMoved: (title: string) => `گروه ${i(title)} به سوپرگروه تبدیل شد و دسته‌هایش هم با آن منتقل شدند.`,
  groupAdminsOnly: "فقط مدیران این گروه می‌توانند تعیین کنند چه چیزی دریافت کند.",
  groupSubscriptions: (titles: string) => `این گفت‌وگو دریافت می‌کند: ${titles}.`,
  groupNothing: `این گفت‌وگو هنوز چیزی دریافت نمی‌کند. یکی از مدیران می‌تواند ${i("/subscribe world")} را بفرستد.`,
  settingsUsage: [
    "تغییر ظاهر پست‌ها در گفت‌وگویی که مدیرش هستید:",
    i("/settings @channel photo on|off"),
    i("/settings @channel preview on|off"),
    i("/settings @channel hashtags on|off"),
    `${i("/settings @channel signature …")} (یا ${i("signature off")})`,
  ].join("\n"),
  settingsShown: (title: string, photo: boolean, preview: boolean, hashtags: boolean, signature: string) =>
    `تنظیمات ${i(title)}: عکس ${photo ? "روشن" : "خاموش"}، پیش‌نمایش پیوند ${preview ? "روشن" : "خاموش"}، هشتگ ${hashtags ? "روشن" : "خاموش"}، امضا ${signature ? `«${i(signature)}»` : "ندارد"}.`,
  languagePrompt: `به چه زبانی برایتان بنویسم؟ روی یکی از دکمه‌ها بزنید، یا ${i("/language fa")} یا ${i("/language en")} را بفرستید.`,
  languageChanged: "از این پس به فارسی برایتان می‌نویسم.",
  unknownLanguage: (word: string) =>
    `زبان «${i(word)}» را نمی‌شناسم. به فارسی (${i("/language fa")}) و انگلیسی (${i("/language en")}) می‌نویسم.`,
  admin: {
    subscribersHeader: "<b>مشترکان</b>",
    subscribers: (category: string, subscribers: number) => startRtl(`${i(category)}: ${count(subscribers)}`),
    queuesHeader: "<b>صف‌ها</b> (در انتظار / در حال اجرا / با تأخیر / ناموفق)",
    queue: (queue: string, paused: boolean, waiting: number, active: number, delayed: number, failed: number) =>
      `صف ${i(queue)}${paused ? " ⏸ متوقف" : ""}: ${[waiting, active, delayed, failed].map(count).join(" / ")}`,
    deliveryHeader: "<b>ارسال</b>",
    sent: (single: number, digests: number, articles: number) =>
      `فرستاده‌شده: ${count(single)} تکی، ${count(digests)} خلاصه؛ ${count(articles)} خبر`,
    failed: (failures: readonly string[]) => `ناموفق: ${failures.length > 0 ? joinList(failures, "fa") : "هیچ"}`,
    failure: (reason: string, failures: number) => startRtl(`${i(reason)} ${count(failures)}`),
    paidMessages: (paid: number) => `پیام‌های پولی: ${count(paid)}`,
    feeds: (ok: number, failing: number, neverPolled: number) =>
      `<b>خوراک‌ها</b>: ${count(ok)} سالم، ${count(failing)} خراب، ${count(neverPolled)} هنوز خوانده‌نشده`,
    paused: (queues: readonly string[]) =>
      `⏸ صف ${queues.map(i).join(" و ")} متوقف شد: تا ${i("/resume")} چیزی فرستاده نمی‌شود. ارسال‌های در جریان تمام می‌شوند؛ خبرها همچنان می‌رسند و منتظر می‌مانند.`,
    resumed: (queues: readonly string[]) =>
      `▶️ صف ${queues.map(i).join(" و ")} دوباره راه افتاد: ارسال از همان‌جا که مانده بود ادامه می‌یابد.`,
    announceUsage: `روش استفاده: ${i("/announce <text>")}؛ پیامی همگانی برای همه‌ی خوانندگان، با همان ارسال محدودشده‌ی خبرها.`,
    announced: (id: string) => `📢 اطلاعیه‌ی ${i(id)} در صف است: هر خواننده یک بار، با سرعتی که تلگرام اجازه می‌دهد، آن را می‌گیرد.`,
  },
  commandDescriptions: {
    start: "شروع و انتخاب دسته‌ها",
    categories: "انتخاب دسته‌ها با دکمه",
    subscribe: `دنبال کردن دسته‌ها: ${i("/subscribe world")}`,
    unsubscribe: "لغو دنبال کردن دسته‌ها",
    mysubs: "دسته‌هایی که دنبال می‌کنید",
    stop: "توقف همه‌ی پیام‌ها",
    link: "پیوند دادن کانال یا گروهی که مدیرش هستید",
    unlink: "لغو پیوند کانال یا گروه",
    channels: "کانال‌ها و گروه‌هایی که پیوند داده‌اید",
    settings: "ظاهر پست‌ها در کانال شما",
    language: "فارسی یا English",
    help: "این ربات چطور کار می‌کند",
  },
};
