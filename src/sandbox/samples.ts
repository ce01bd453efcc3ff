/**
 * The articles the sandbox's publish form fills in with one click. The English one is the project's
 * sample article (tests/fixtures/seed-article.json, the same content; a test keeps them equal).
 */

/** A sample article: the body of POST /api/articles, plus the publisher's fields Bulletin ignores. */
export interface SampleArticle {
  readonly title: string;
  readonly summary?: string;
  readonly url: string;
  readonly categories: readonly string[];
  readonly language?: string;
  readonly imageUrl?: string;
  readonly [field: string]: unknown;
}

export const SAMPLE_ARTICLE: SampleArticle = {
  title: "Kyiv: We do not give territorial concessions for membership in NATO",
  summary:
    "Zelensky’s chief of staff opposed the proposal of the former NATO Secretary General to receive membership of the alliance in exchange for renouncing claims on Russian-controlled territories.",
  url: "https://news.example.com/en/world/kyiv-no-territorial-concessions-nato",
  categories: ["world"],
  language: "en",
  publisher: "Fars news agency",
  body: "Zelensky’s chief of staff opposed the proposal of the former NATO Secretary General to receive membership of the alliance in exchange for renouncing claims on Russian-controlled territories.\n\nAccording to the report of Fars News Agency International Group, “Andrey Yermak”, the chief of office of Volodymyr Zelensky, the President of Ukraine, plans to accept the country into the North Atlantic Treaty Organization (NATO) by abandoning its claim to the territories under He called the control of Russia impossible.\n\nAccording to “Rashatudi”, “Anders Fogh Rasmussen”, the former secretary general of the NATO alliance, announced this plan last week in a gathering at a think tank in Washington, D.C. C. proposed.\n\nUkraine previously explicitly announced its request to join this coalition under the leadership of the United States, but due to the war with Russia, it could not advance this process.\n\nYermak claimed: “Our principles are very clear and strong. Any concession on independence, territorial integrity and sovereignty is not acceptable.” He continued: “Rasmussen is aware of Ukraine’s position, so this idea is only his personal opinion. ”\n\nHe added, the government of Ukraine seeks to obtain security guarantees through other mechanisms other than the NATO common defense treaty.\n\nPresident On Monday, Zelensky’s office met with US Secretary of State Anthony Blinken in Washington to emphasize Ukraine’s need to maintain the flow of Western arms. He also said in a telegram post: As winter approaches, we expect Russian missile attacks to intensify. We urgently need air and missile defense systems that protect Ukrainian cities, critical infrastructure facilities, and grain corridor routes.”",
};

/** A picture the sandbox serves itself, so that a photo shows without any network. */
export const SAMPLE_PHOTO_PATH = "/sandbox/sample-photo.svg";

/** An illustration for the sample photo: sky, sun, hills and a small skyline (800 × 533). */
export const SAMPLE_PHOTO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="533" viewBox="0 0 800 533">
<defs>
<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6fb7e9"/><stop offset="1" stop-color="#e3f1fa"/></linearGradient>
<linearGradient id="far" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#9cc79a"/><stop offset="1" stop-color="#7fb07e"/></linearGradient>
</defs>
<rect width="800" height="533" fill="url(#sky)"/>
<circle cx="620" cy="120" r="54" fill="#fff4c4"/>
<circle cx="620" cy="120" r="40" fill="#ffe27a"/>
<g fill="#ffffff" opacity=".85"><ellipse cx="180" cy="110" rx="70" ry="20"/><ellipse cx="230" cy="98" rx="48" ry="22"/><ellipse cx="470" cy="70" rx="52" ry="14"/></g>
<g fill="#4f7a98"><rect x="250" y="250" width="46" height="150"/><rect x="304" y="210" width="38" height="190"/><rect x="350" y="270" width="54" height="130"/><rect x="412" y="230" width="30" height="170"/><rect x="450" y="290" width="60" height="110"/><rect x="518" y="250" width="36" height="150"/></g>
<g fill="#cfe3f1" opacity=".7"><rect x="312" y="225" width="8" height="10"/><rect x="326" y="225" width="8" height="10"/><rect x="312" y="245" width="8" height="10"/><rect x="326" y="265" width="8" height="10"/><rect x="260" y="265" width="8" height="10"/><rect x="276" y="285" width="8" height="10"/><rect x="420" y="245" width="8" height="10"/><rect x="528" y="265" width="8" height="10"/></g>
<path d="M0 360 C 140 300 260 340 400 320 S 660 290 800 330 L 800 533 L 0 533 Z" fill="url(#far)"/>
<path d="M0 430 C 160 380 330 440 480 410 S 700 390 800 420 L 800 533 L 0 533 Z" fill="#5e9a62"/>
</svg>
`;

/** A Persian article (right to left, words joined by zero-width non-joiners), for the "Persian sample" button. */
export const SAMPLE_ARTICLE_FA: SampleArticle = {
  title: "نشست اقتصادی منطقه\u200cای با حضور دوازده کشور در تهران آغاز شد",
  summary:
    "نمایندگان دوازده کشور از امروز در تهران درباره\u200cی تجارت، انرژی و راه\u200cهای ترانزیتی گفت\u200cوگو می\u200cکنند. " +
    "برگزارکنندگان می\u200cگویند هدف این نشست کاهش هزینه\u200cی حمل\u200cونقل و افزایش مبادلات منطقه\u200cای است.",
  url: "https://news.example.com/fa/world/regional-economic-summit",
  categories: ["world"],
  language: "fa",
  /** The sandbox's own picture (routes.ts); the page makes it absolute. */
  imageUrl: SAMPLE_PHOTO_PATH,
};
