/*
 * normalize.h -- server-independent normalizers shared by ingestion,
 * identity resolution, dedupe and threading.  No postgres.h here: these
 * build and are unit-tested and fuzzed without a server.
 *
 * Conventions: all strings are UTF-8, NUL-terminated.  Functions that
 * return char * return malloc'd memory the caller frees (NULL on "not
 * recognisable"); functions taking an output buffer never overflow it.
 * Every loop over input is bounded by the input length.
 */
#ifndef COMMHUB_NORMALIZE_H
#define COMMHUB_NORMALIZE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- time ---------------------------------------------------------- */
/* Offset used for wall-clock times without a zone: Asia/Shanghai has been
 * UTC+8 without DST since 1991. */
#define NORM_DEFAULT_TZ_OFFSET_SEC (8 * 3600)

/*
 * Parse a timestamp into microseconds since the Unix epoch (UTC).
 * Accepts: ISO 8601 / RFC 3339 with or without zone ("2024-06-15T09:30:00Z",
 * "2024-06-15T09:30:00.123+08:00", "2024-06-15 09:30", "2024-06-15",
 * "2024/06/15 09:30:00", "20240615093000"), RFC 5322 dates
 * ("Sat, 15 Jun 2024 09:30:00 +0800", obsolete zones GMT/UT/EST/..),
 * Chinese "2024年6月15日 09:30", and numeric epochs given as strings
 * ("1718415000", "1718415000123" ms, 16 digits us).  Times without a zone
 * are local Asia/Shanghai.  Returns false on anything else (no partial
 * result).  Years outside 1970..2200 are rejected.
 */
bool		norm_parse_time(const char *s, int64_t *out_us);
/* "9:05", "14:30", "14:30:15" (a time of day alone, 0-23 h); blanks around allowed */
bool		norm_is_clock_time(const char *s);
/* A call duration written as a phone's call log shows it: "1:05" (m:ss),
 * "01:02:03" (h:mm:ss), "1分05秒", "3分钟", "65秒", "1小时2分".  Seconds in
 * *out; false for anything else (a plain number is not this). */
bool		norm_parse_duration(const char *s, long long *out);
/* Numeric epoch: seconds, milliseconds or microseconds decided by
 * magnitude (< 1e11 s, < 1e14 ms, else us). false if out of range. */
bool		norm_epoch_to_us(double v, int64_t *out_us);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t		norm_days_from_civil(int64_t y, int m, int d);
void		norm_civil_from_days(int64_t z, int64_t *y, int *m, int *d);
/* Format as ISO 8601 UTC "2024-06-15T01:30:00Z" (buf >= 32). */
void		norm_format_time_utc(int64_t us, char *buf, size_t buflen);

/* ---- phone --------------------------------------------------------- */
/*
 * Normalize a Chinese/international phone number into a canonical digit
 * string used as the identity key:
 *   "+86 138-0013-8000", "0086 13800138000", "8613800138000" -> "13800138000"
 *   "0574-8765 4321", "(0574)87654321", "+86 574 87654321"    -> "057487654321"
 *   "400-820-8820", "400 820 8820"                            -> "4008208820"
 *   "800-820-8820"                                            -> "8008208820"
 *   "+1 (415) 555-0100"                                       -> "+14155550100"
 *   "sip:1001@pbx" / "1001" (extension)                       -> "1001"
 * Full-width digits are accepted.  Writes into out (>= 32 bytes); returns
 * false when the input has no plausible number (fewer than 3 digits,
 * letters other than a sip: prefix, more than 20 digits).
 */
bool		norm_phone(const char *in, char *out, size_t outlen);

/* ---- email --------------------------------------------------------- */
/* Lower-cased addr-spec from "张经理 <Zhang@AUX-Group.com>" or a bare
 * address; false if no '@' with non-empty local part and domain. */
bool		norm_email_address(const char *in, char *out, size_t outlen);
/* Domain part of a normalized address (pointer into addr, or NULL). */
const char *norm_email_domain(const char *addr);
/* True for public free-mail domains that must never identify a company:
 * qq.com, foxmail.com, 163.com, 126.com, yeah.net, sina.com, sina.cn,
 * sohu.com, aliyun.com, 139.com, 189.cn, wo.cn, gmail.com, googlemail.com,
 * outlook.com, hotmail.com, live.com, msn.com, yahoo.com(.cn/.com.cn),
 * icloud.com, me.com, mac.com, aol.com, proton.me, protonmail.com,
 * mail.com, gmx.com, yandex.com, zoho.com, 263.net, tom.com, 21cn.com,
 * vip.qq.com, vip.163.com, vip.sina.com. */
bool		norm_is_freemail_domain(const char *domain);

/* ---- subject ------------------------------------------------------- */
/*
 * Thread key of a subject: strips, repeatedly, leading reply/forward
 * markers "Re:", "RE：", "Fwd:", "FW:", "Fw：", "回复:", "答复：", "转发:",
 * "Re[2]:", "Re: Re:", bracket tags like "[ext]", "[外部邮件]", "【外部】",
 * folds case (ASCII), collapses whitespace (incl. full-width space) and
 * trims.  Returns malloc'd string ("" for an empty subject).
 */
char	   *norm_subject(const char *subject);
/* True if the subject carried a reply/forward marker. */
bool		norm_subject_is_reply(const char *subject);

/* ---- text fingerprint (near-duplicate detection) ------------------- */
/*
 * Content normalization for fingerprints: NFKC-like folding of full-width
 * ASCII to half-width, ASCII lower-case, removal of whitespace,
 * punctuation (ASCII and CJK), quoted-reply blocks ("> ..." lines,
 * "-----Original Message-----", "在 ... 写道：" and everything after), and
 * common signature separators ("-- ").  Returns malloc'd string.
 */
char	   *norm_fingerprint_text(const char *text);
/* 64-bit simhash over character 3-grams (UTF-8 code points) of the
 * normalized text.  0 for text shorter than 6 code points. */
uint64_t	norm_simhash(const char *normalized);
static inline int
norm_hamming64(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

/* ---- UTF-8 helpers ------------------------------------------------- */
/* Truncate to at most maxchars code points (never splits a sequence);
 * returns malloc'd copy.  Invalid bytes are replaced by U+FFFD. */
char	   *norm_utf8_truncate(const char *s, size_t maxchars);
/* True if s[0..len) is valid UTF-8 without NUL bytes. */
bool		norm_utf8_valid(const char *s, size_t len);
/* Terminal display width (East Asian Wide/Fullwidth and emoji = 2,
 * combining marks and ZWJ/VS16 = 0). */
int			norm_display_width(const char *s);

#endif
