/*
 * imap.h -- a small IMAP client for mailbox sync (E1), on libcurl.
 *
 * Server-independent: no PostgreSQL headers.  One imap_conn keeps one
 * connection (curl reuses it across requests and remembers the selected
 * folder).  The sync loop lives in the caller: examine a folder for its
 * UIDVALIDITY, list the UIDs above the last one seen with their sizes,
 * fetch each message (raw RFC 5322 bytes) that is not too large.
 *
 * The response parsers are separate functions so the unit tests can feed
 * them real server transcripts.
 */
#ifndef COMMHUB_IMAP_H
#define COMMHUB_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct imap_config
{
	const char *url;			/* imaps://host[:port] or imap://host[:port] (no path) */
	const char *user;
	const char *password;
	const char *ca_file;		/* PEM bundle to verify the server with, or NULL: system CAs */
	bool		tls_verify;		/* false: accept any certificate (tests only) */
	long		timeout_ms;		/* a transfer slower than 1 KB/s for this long fails; 0: 60 s */
	/* polled during transfers: return true to abort the request (IMAP_CONNECT) */
	bool		(*should_abort) (void *arg);
	void	   *abort_arg;
} imap_config;

typedef struct imap_msg
{
	uint32_t	uid;
	uint64_t	size;			/* RFC822.SIZE */
	bool		seen;			/* had \Seen before we fetched it */
} imap_msg;

typedef struct imap_conn imap_conn;

/* Error classes of a failed call (err text is also filled). */
typedef enum imap_status
{
	IMAP_OK = 0,
	IMAP_CONNECT,				/* connection, TLS or timeout */
	IMAP_AUTH,					/* login refused */
	IMAP_NO_FOLDER,				/* EXAMINE/SELECT answered NO */
	IMAP_CHANGED,				/* UIDVALIDITY changed under us */
	IMAP_TOO_LARGE,				/* message over the byte limit */
	IMAP_PROTOCOL,				/* unexpected answer */
	IMAP_BAD_CONFIG				/* scheme other than imap(s), bad URL */
} imap_status;

/* Creates the connection object (no network yet).  NULL on bad config. */
extern imap_conn *imap_open(const imap_config *cfg, char *err, size_t errlen);
extern void imap_close(imap_conn *c);

/* EXAMINE folder: its UIDVALIDITY (and UIDNEXT, 0 if not sent). */
extern imap_status imap_examine(imap_conn *c, const char *folder, uint32_t *uidvalidity,
								uint32_t *uidnext, char *err, size_t errlen);

/*
 * The messages of folder with after_uid < UID <= upto_uid (0: no upper
 * bound), ascending, with sizes and \Seen.  *out is malloc'd (free()); *n
 * its length.
 */
extern imap_status imap_list_after(imap_conn *c, const char *folder, uint32_t after_uid, uint32_t upto_uid,
								   imap_msg **out, size_t *n, char *err, size_t errlen);

/*
 * Fetching a message sets \Seen on the server (curl SELECTs the folder
 * and fetches BODY[]): take it off again for a message that was unseen, so
 * the sync leaves the user's unread mail unread.
 */
extern imap_status imap_unsee(imap_conn *c, const char *folder, uint32_t uid, char *err, size_t errlen);

/*
 * The raw message UID uid of folder (checked against uidvalidity), at most
 * max_bytes: *data is malloc'd (free()), NUL-terminated, *len its length.
 */
extern imap_status imap_fetch(imap_conn *c, const char *folder, uint32_t uidvalidity, uint32_t uid,
							  size_t max_bytes, char **data, size_t *len, char *err, size_t errlen);

/* ---- parsers of untagged responses (exposed for the unit tests) ---- */

/* "* OK [UIDVALIDITY 123]" and "* OK [UIDNEXT 45]" anywhere in resp. */
extern bool imap_parse_examine(const char *resp, size_t len, uint32_t *uidvalidity, uint32_t *uidnext);

/*
 * "* 12 FETCH (UID 345 RFC822.SIZE 6789)" lines (items in any order).
 * Keeps entries with uid > after_uid, sorted by uid, without duplicates.
 * Returns the count; *out malloc'd (NULL when 0).
 */
extern size_t imap_parse_fetch_sizes(const char *resp, size_t len, uint32_t after_uid, imap_msg **out);

/* A folder name as an IMAP quoted string ("Sent Items" -> "\"Sent Items\""),
 * into buf; false if it does not fit or holds CR/LF.  A name with non-ASCII
 * characters (UTF-8, e.g. 已发送) is first put in IMAP's modified UTF-7
 * (&XfJT0ZAB-); an ASCII name is taken as already in the server's form. */
extern bool imap_quote(const char *folder, char *buf, size_t buflen);

/* The folder as a URL path segment (modified UTF-7 as above, then
 * percent-encoded), into buf. */
extern bool imap_url_folder(const char *folder, char *buf, size_t buflen);

/* UTF-8 -> IMAP modified UTF-7 (RFC 3501 5.1.3); false if invalid UTF-8 or too long. */
extern bool imap_mutf7(const char *utf8, char *buf, size_t buflen);

#endif
