export { CAPTION_LIMIT, ELLIPSIS, TEXT_LIMIT, cleanText, cutText, escapeHtml, htmlTextLength } from "./html.js";
export {
  formatArticle,
  hashtagWords,
  hashtags,
  normalizeSummary,
  normalizeTitle,
  type ArticleMessage,
  type FormatArticleOptions,
  type FormattableArticle,
} from "./article.js";
export { DIGEST_TITLE_UNITS, formatDigest, formatGroupedDigest, type Digest, type DigestItem, type GroupedDigestItem } from "./digest.js";
