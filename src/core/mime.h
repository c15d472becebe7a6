/*
 * mime.h -- RFC 5322 / MIME parser for raw mail, server independent.
 *
 * mime_parse() turns raw bytes into a jansson object in the "mailparser"
 * shape that chn_normalize("email", ...) accepts, so raw and pre-parsed
 * mail share one path:
 *   { "messageId": "<id@host>", "inReplyTo": "<..>", "references": ["<..>", ...],
 *     "subject": "...", "date": "2024-06-15T01:30:00Z" (ISO UTC, absent if no/invalid Date),
 *     "from": {"value":[{"address":"a@b.c","name":"张经理"}]}, "to": {...}, "cc": {...},
 *     "replyTo": {...}, "text": "plain text body", "html": "html body (UTF-8)",
 *     "attachments": [{"filename":"报价单.pdf","contentType":"application/pdf",
 *                      "size":12345,"checksum":"<sha256 hex>","contentId":"..",
 *                      "related": false}],
 *     "headers": {"x-mailer": "...", ...}   (a few useful ones only)
 *     "mimeWarnings": ["missing final boundary", ...] }
 * Everything is converted to UTF-8 (iconv; gb2312/gbk/x-gbk -> GB18030,
 * big5 -> BIG5-HKSCS or CP950, unknown/lying labels sniffed: valid UTF-8
 * first, then GB18030, then the declared label, then Latin-1), RFC 2047
 * words decoded (split multibyte chars across adjacent words joined),
 * RFC 2231 parameters (continuations, percent-encoding), QP/base64/7bit/
 * 8bit/binary, multipart/any nested to a bounded depth, message/rfc822
 * attached messages, HTML reduced to readable text when there is no plain
 * part.  Malformed input degrades (warning) instead of failing.  Output
 * strings are always valid UTF-8 without NUL.
 */
#ifndef COMMHUB_MIME_H
#define COMMHUB_MIME_H
#include <jansson.h>
#include <stddef.h>

#define MIME_MAX_MESSAGE_BYTES (50LL * 1024 * 1024)
#define MIME_MAX_DEPTH 16
#define MIME_MAX_PARTS 1000

/* Returns NULL only if len > MIME_MAX_MESSAGE_BYTES (errbuf says so) or
 * on allocation failure; any other input yields an object. */
json_t	   *mime_parse(const char *data, size_t len, char *errbuf, size_t errlen);

/* Convert bytes in charset to UTF-8 (malloc'd, NUL-terminated, never NULL
 * unless out of memory); unknown or failing charsets fall back as above. */
char	   *mime_to_utf8(const char *data, size_t len, const char *charset);

/* Reduce HTML to readable text: drop script/style/head, block tags to
 * newlines, <br> to newline, entities decoded (named, &#NN;, &#xNN;),
 * whitespace collapsed.  malloc'd UTF-8. */
char	   *mime_html_to_text(const char *html, size_t len);

#endif
