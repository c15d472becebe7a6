/*
 * test_imap.c -- the IMAP client's parsers and URL/quoting helpers
 * (src/core/imap.h) on server transcripts: Dovecot's and Gmail's STATUS
 * answers, FETCH lines with items in either order, flags and extra items,
 * the "n:*" quirk (the highest message is returned even when its UID is
 * below n), duplicates, CRLF and LF, garbage; folder names with spaces,
 * quotes, backslashes and non-ASCII (modified UTF-7 names pass through);
 * and configuration errors refused before any network access.  The real
 * protocol exchange is tested against Dovecot in test/e2e/imap_sync.sh.
 * TAP output; exit status 1 on any failure.
 */
#include "imap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	n_tests = 0;
static int	n_fail = 0;

static void
check(int ok, const char *desc)
{
	n_tests++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_tests, desc);
}

static void
test_status(void)
{
	uint32_t	v = 0,
				nx = 0;
	const char *dovecot = "* STATUS INBOX (UIDVALIDITY 1732441234 UIDNEXT 58 MESSAGES 57)\r\n";
	const char *quoted = "* STATUS \"Sent Items\" (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 7)\r\n";
	const char *examine = "* FLAGS (\\Answered \\Flagged)\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 4392] Predicted next UID\r\n";
	const char *max = "* STATUS INBOX (UIDVALIDITY 4294967295 UIDNEXT 1)\n";
	const char *over = "* STATUS INBOX (UIDVALIDITY 4294967296 UIDNEXT 1)\n";
	const char *zero = "* STATUS INBOX (UIDVALIDITY 0 UIDNEXT 1)\n";
	const char *none = "* STATUS INBOX (MESSAGES 3)\n";
	const char *lookalike = "* STATUS XUIDVALIDITY (UIDNEXT 9 UIDVALIDITY 5)\n";

	check(imap_parse_examine(dovecot, strlen(dovecot), &v, &nx) && v == 1732441234u && nx == 58,
		  "STATUS (Dovecot): UIDVALIDITY 1732441234, UIDNEXT 58");
	check(imap_parse_examine(quoted, strlen(quoted), &v, &nx) && v == 7 && nx == 4,
		  "STATUS with a quoted folder and items in another order");
	check(imap_parse_examine(examine, strlen(examine), &v, &nx) && v == 3857529045u && nx == 4392,
		  "EXAMINE response codes [UIDVALIDITY n] and [UIDNEXT n]");
	check(imap_parse_examine(max, strlen(max), &v, &nx) && v == 4294967295u, "UIDVALIDITY 2^32-1 is valid");
	check(!imap_parse_examine(over, strlen(over), &v, &nx), "UIDVALIDITY over 32 bits is refused");
	check(!imap_parse_examine(zero, strlen(zero), &v, &nx), "UIDVALIDITY 0 is refused (RFC 3501: nonzero)");
	check(!imap_parse_examine(none, strlen(none), &v, &nx), "no UIDVALIDITY: refused");
	check(imap_parse_examine(lookalike, strlen(lookalike), &v, &nx) && v == 5 && nx == 9,
		  "a folder named XUIDVALIDITY does not fool the parser");
	check(!imap_parse_examine(NULL, 0, &v, &nx), "NULL answer: refused");
}

static void
test_fetch(void)
{
	imap_msg   *m;
	size_t		n;
	const char *dovecot =
		"* 1 FETCH (UID 3 RFC822.SIZE 1500)\r\n"
		"* 2 FETCH (UID 5 RFC822.SIZE 52428801)\r\n"
		"* 3 FETCH (RFC822.SIZE 77 UID 9)\r\n"
		"* 4 FETCH (FLAGS (\\Seen) UID 12 RFC822.SIZE 4096)\r\n";
	const char *quirk = "* 7 FETCH (UID 40 RFC822.SIZE 100)\r\n";
	const char *dups = "* 2 FETCH (UID 8 RFC822.SIZE 10)\n* 1 FETCH (UID 6 RFC822.SIZE 11)\n* 2 FETCH (UID 8 RFC822.SIZE 10)\n";
	const char *junk = "* OK still here\r\n* 3 EXISTS\r\n* 1 FETCH (FLAGS (\\Seen))\r\n* 9 FETCH (UID 70)\r\nA003 OK done\r\n* x FETCH (UID 1 RFC822.SIZE 2)\r\n";
	const char *big = "* 1 FETCH (UID 4294967295 RFC822.SIZE 4294967295)\r\n";

	n = imap_parse_fetch_sizes(dovecot, strlen(dovecot), 0, &m);
	check(n == 4 && m[0].uid == 3 && m[0].size == 1500 && m[1].uid == 5 && m[1].size == 52428801 &&
		  m[2].uid == 9 && m[2].size == 77 && m[3].uid == 12 && m[3].size == 4096,
		  "FETCH lines: UID and RFC822.SIZE in either order, with FLAGS");
	free(m);
	n = imap_parse_fetch_sizes(dovecot, strlen(dovecot), 5, &m);
	check(n == 2 && m[0].uid == 9 && m[1].uid == 12, "only UIDs above the last one stored");
	free(m);
	n = imap_parse_fetch_sizes(quirk, strlen(quirk), 40, &m);
	check(n == 0 && m == NULL, "'41:*' answered with UID 40 (the n:* quirk): nothing new");
	free(m);
	n = imap_parse_fetch_sizes(dups, strlen(dups), 0, &m);
	check(n == 2 && m[0].uid == 6 && m[1].uid == 8, "sorted by UID, duplicates dropped");
	free(m);
	n = imap_parse_fetch_sizes(junk, strlen(junk), 0, &m);
	check(n == 0, "other untagged lines, FETCH without UID or size, a bad sequence number: ignored");
	free(m);
	{
		const char *flags = "* 1 FETCH (UID 3 RFC822.SIZE 10 FLAGS (\\Seen \\Answered))\r\n"
			"* 2 FETCH (FLAGS () UID 4 RFC822.SIZE 11)\r\n"
			"* 3 FETCH (UID 5 FLAGS (\\Seenx $Label) RFC822.SIZE 12)\r\n"
			"* 4 FETCH (UID 6 RFC822.SIZE 13 FLAGS (\\SEEN))\r\n";

		n = imap_parse_fetch_sizes(flags, strlen(flags), 0, &m);
		check(n == 4 && m[0].seen && !m[1].seen && !m[2].seen && m[3].seen,
			  "FLAGS: \\Seen in any case is read, \\Seenx is not, no flags is unseen");
		free(m);
	}
	n = imap_parse_fetch_sizes(big, strlen(big), 0, &m);
	check(n == 1 && m[0].uid == 4294967295u && m[0].size == 4294967295u, "32-bit maximum UID and size");
	free(m);
	n = imap_parse_fetch_sizes("", 0, 0, &m);
	check(n == 0 && m == NULL, "empty answer");
	n = imap_parse_fetch_sizes(dovecot, 20, 0, &m);
	check(n == 0, "a line cut short is not taken");
	free(m);
}

static void
test_names(void)
{
	char		b[64];

	check(imap_quote("INBOX", b, sizeof(b)) && strcmp(b, "\"INBOX\"") == 0, "quote INBOX");
	check(imap_quote("Sent Items", b, sizeof(b)) && strcmp(b, "\"Sent Items\"") == 0, "quote a name with a space");
	check(imap_quote("a\"b\\c", b, sizeof(b)) && strcmp(b, "\"a\\\"b\\\\c\"") == 0, "quote escapes \" and \\");
	check(!imap_quote("bad\r\nA1 LOGOUT", b, sizeof(b)), "CR/LF in a folder name is refused (no command injection)");
	check(!imap_quote("0123456789012345678901234567890123456789012345678901234567890123", b, sizeof(b)),
		  "a name that does not fit is refused");
	check(imap_url_folder("INBOX", b, sizeof(b)) && strcmp(b, "INBOX") == 0, "URL folder INBOX");
	check(imap_url_folder("Sent Items", b, sizeof(b)) && strcmp(b, "Sent%20Items") == 0, "URL folder with a space");
	check(imap_url_folder("&XfJT0ZAB-", b, sizeof(b)) && strcmp(b, "%26XfJT0ZAB-") == 0,
		  "modified UTF-7 name (已发送) percent-encoded as is");
	check(imap_url_folder("a/b;UID=1", b, sizeof(b)) && strcmp(b, "a%2Fb%3BUID%3D1") == 0,
		  "'/' and ';' cannot smuggle URL parameters");
	check(imap_mutf7("已发送", b, sizeof(b)) && strcmp(b, "&XfJT0ZAB-") == 0, "modified UTF-7: 已发送 -> &XfJT0ZAB- (RFC 3501 5.1.3)");
	check(imap_mutf7("A&B", b, sizeof(b)) && strcmp(b, "A&-B") == 0, "modified UTF-7: & -> &-");
	check(imap_mutf7("Entwürfe", b, sizeof(b)) && strcmp(b, "Entw&APw-rfe") == 0, "modified UTF-7: Entwürfe -> Entw&APw-rfe");
	check(imap_mutf7("收件箱/客户", b, sizeof(b)) && strcmp(b, "&ZTZO9nux-/&W6JiNw-") == 0, "modified UTF-7: runs around ASCII");
	check(imap_mutf7("\xF0\x9F\x93\xA7", b, sizeof(b)) && strcmp(b, "&2D3c5w-") == 0, "modified UTF-7: an emoji as a surrogate pair");
	check(!imap_mutf7("bad\xC3", b, sizeof(b)) && !imap_mutf7("\xC0\x80", b, sizeof(b)) && !imap_mutf7("\xED\xA0\x80", b, sizeof(b)),
		  "modified UTF-7: truncated, overlong and surrogate UTF-8 refused");
	check(imap_quote("已发送", b, sizeof(b)) && strcmp(b, "\"&XfJT0ZAB-\"") == 0, "a Chinese folder name is quoted in modified UTF-7");
	check(imap_url_folder("已发送", b, sizeof(b)) && strcmp(b, "%26XfJT0ZAB-") == 0, "and put in the URL the same way");
	check(imap_quote("R&D", b, sizeof(b)) && strcmp(b, "\"R&-D\"") == 0,
		  "an ASCII name with a bare & (R&D) is sent as R&-D (a bare & is not valid modified UTF-7)");
	check(imap_url_folder("Q&A", b, sizeof(b)) && strcmp(b, "Q%26-A") == 0, "and in the URL (Q&A -> Q&-A)");
	check(imap_quote("R&D-Team", b, sizeof(b)) && strcmp(b, "\"R&-D-Team\"") == 0,
		  "R&D-Team: '&D-' is no modified UTF-7 sequence either");
	check(imap_quote("A&-B", b, sizeof(b)) && strcmp(b, "\"A&-B\"") == 0, "a name already in modified UTF-7 (A&-B) passes through");
	check(imap_quote("&XfJT0ZAB-/&W6JiNw-", b, sizeof(b)) && strcmp(b, "\"&XfJT0ZAB-/&W6JiNw-\"") == 0,
		  "so does &XfJT0ZAB-/&W6JiNw- (as copied from a server listing)");
	check(imap_quote("&AEE-", b, sizeof(b)) && strcmp(b, "\"&-AEE-\"") == 0,
		  "&AEE- (would encode the ASCII letter A) is not valid modified UTF-7: taken literally");
}

static void
test_config(void)
{
	char		err[256];
	imap_config cfg = {.url = "https://mail.example.com", .user = "u", .password = "p", .tls_verify = true};
	imap_conn  *c;

	err[0] = '\0';
	check(imap_open(&cfg, err, sizeof(err)) == NULL && strstr(err, "imaps://") != NULL,
		  "https:// is refused with a message naming imaps://");
	cfg.url = "imaps://mail.example.com/INBOX";
	check(imap_open(&cfg, err, sizeof(err)) == NULL && strstr(err, "folder") != NULL,
		  "a URL with a folder path is refused");
	cfg.url = "imaps://mail.example.com:993/";
	c = imap_open(&cfg, err, sizeof(err));
	check(c != NULL, "imaps://host:993/ is accepted (no network yet)");
	imap_close(c);
	cfg.url = "imap://127.0.0.1:1";
	c = imap_open(&cfg, err, sizeof(err));
	{
		uint32_t	v,
					nx;
		imap_status st = c ? imap_examine(c, "INBOX", &v, &nx, err, sizeof(err)) : IMAP_PROTOCOL;

		check(st == IMAP_CONNECT && err[0] != '\0', "nothing listening: IMAP_CONNECT with a message");
	}
	imap_close(c);
	imap_close(NULL);
	check(1, "imap_close(NULL) is harmless");
}

int
main(void)
{
	test_status();
	test_fetch();
	test_names();
	test_config();
	printf("1..%d\n", n_tests);
	return n_fail ? 1 : 0;
}
