/**
 * A request's parameters, from a JSON body, an urlencoded body or the query string (all three
 * work with Telegram), and the readers methods use to take them with Telegram's type errors.
 */
import { badRequest } from "./errors.js";

export type Params = Record<string, unknown>;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseParams(contentType: string | undefined, body: string, query: string | undefined): Params {
  const params: Params = query ? Object.fromEntries(new URLSearchParams(query)) : {};
  if (body === "") return params;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (!isRecord(parsed)) throw badRequest("can't parse JSON object");
    return Object.assign(params, parsed);
  }
  if (type === "application/x-www-form-urlencoded") {
    return Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  }
  if (type === "multipart/form-data") {
    // grammY switches to multipart only for InputFile uploads; the fake has no file storage.
    throw badRequest("FakeTelegram does not accept multipart uploads; send photos by URL or file_id");
  }
  return params;
}

export function intParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw badRequest(`field "${name}" must be an Integer`);
}

export function stringParam(p: Params, name: string): string | undefined {
  const v = p[name];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

export function boolParam(p: Params, name: string): boolean {
  const v = p[name];
  return v === true || v === "true" || v === 1 || v === "1";
}

/** Object parameters arrive as objects in JSON bodies and as JSON strings in urlencoded ones. */
export function jsonParam(p: Params, name: string, parseError: string): unknown {
  const v = p[name];
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw badRequest(parseError);
  }
}
