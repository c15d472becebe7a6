/*
 * imap.c -- IMAP client for mailbox sync (E1), on libcurl.  See imap.h.
 *
 * Three requests per folder and sync:
 *   STATUS "folder" (UIDVALIDITY UIDNEXT MESSAGES)   -- on the server URL; does
 *       not change the selected folder, answers NO for a missing folder;
 *   UID FETCH n:* (UID RFC822.SIZE)                   -- on the folder URL;
 *   one UID FETCH BODY[] per new message              -- folder;UIDVALIDITY=v/;UID=u,
 *       so curl itself refuses the fetch if UIDVALIDITY changed meanwhile.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "imap.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct imap_conn
{
	CURL	   *h;
	char	   *base;			/* scheme://host[:port] without trailing slash */
	char		curl_err[CURL_ERROR_SIZE];
	bool		(*should_abort) (void *arg);
	void	   *abort_arg;
	bool		aborted;
};

static int
on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	imap_conn  *c = ud;

	(void) dltotal;
	(void) dlnow;
	(void) ultotal;
	(void) ulnow;
	if (c->should_abort && c->should_abort(c->abort_arg))
	{
		c->aborted = true;
		return 1;
	}
	return 0;
}

typedef struct
{
	char	   *data;
	size_t		len;
	size_t		cap;
	size_t		max;
	bool		over;
	bool		oom;
} buf_t;

static size_t
on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	buf_t	   *b = ud;
	size_t		n = size * nmemb;

	if (b->len + n > b->max)
	{
		b->over = true;
		return 0;
	}
	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 4096;
		char	   *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (d == NULL)
		{
			b->oom = true;
			return 0;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

static void
set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a ? a : "", b ? b : "");
}

imap_conn *
imap_open(const imap_config *cfg, char *err, size_t errlen)
{
	imap_conn  *c;
	size_t		n;
	bool		tls;

	if (cfg == NULL || cfg->url == NULL)
	{
		set_err(err, errlen, "no server URL%s%s", NULL, NULL);
		return NULL;
	}
	if (strncmp(cfg->url, "imaps://", 8) == 0)
		tls = true;
	else if (strncmp(cfg->url, "imap://", 7) == 0)
		tls = false;
	else
	{
		set_err(err, errlen, "server URL \"%s\" is not imaps:// or imap://%s", cfg->url, NULL);
		return NULL;
	}
	n = strlen(cfg->url);
	if (strchr(cfg->url + (tls ? 8 : 7), '/') && cfg->url[n - 1] != '/')
	{
		set_err(err, errlen, "server URL \"%s\" must not name a folder (folders are configured separately)%s", cfg->url, NULL);
		return NULL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->base = strdup(cfg->url);
	while (c->base != NULL && strlen(c->base) > 0 && c->base[strlen(c->base) - 1] == '/')
		c->base[strlen(c->base) - 1] = '\0';
	c->h = curl_easy_init();
	if (c->h == NULL || c->base == NULL)
	{
		imap_close(c);
		set_err(err, errlen, "out of memory%s%s", NULL, NULL);
		return NULL;
	}
	curl_easy_setopt(c->h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(c->h, CURLOPT_USERNAME, cfg->user ? cfg->user : "");
	curl_easy_setopt(c->h, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
	curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	/* no total time limit (a 50 MB message on a slow link takes long); a
	 * transfer that stalls below 1 KB/s for timeout_ms fails */
	curl_easy_setopt(c->h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c->h, CURLOPT_LOW_SPEED_TIME, (cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000L) / 1000 + 1);
	c->should_abort = cfg->should_abort;
	c->abort_arg = cfg->abort_arg;
	if (c->should_abort)
	{
		curl_easy_setopt(c->h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c->h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c->h, CURLOPT_XFERINFODATA, c);
	}
	/* imap:// must upgrade with STARTTLS: passwords never go in clear */
	if (!tls)
		curl_easy_setopt(c->h, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
	if (cfg->ca_file && cfg->ca_file[0])
		curl_easy_setopt(c->h, CURLOPT_CAINFO, cfg->ca_file);
	curl_easy_setopt(c->h, CURLOPT_SSL_VERIFYPEER, cfg->tls_verify ? 1L : 0L);
	curl_easy_setopt(c->h, CURLOPT_SSL_VERIFYHOST, cfg->tls_verify ? 2L : 0L);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_write);
	return c;
}

void
imap_close(imap_conn *c)
{
	if (c == NULL)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	free(c->base);
	free(c);
}

static imap_status
classify(CURLcode rc)
{
	switch (rc)
	{
		case CURLE_OK:
			return IMAP_OK;
		case CURLE_LOGIN_DENIED:
			return IMAP_AUTH;
		case CURLE_QUOTE_ERROR:
			return IMAP_NO_FOLDER;
		case CURLE_REMOTE_FILE_NOT_FOUND:
			return IMAP_CHANGED;
		case CURLE_WRITE_ERROR:
		case CURLE_FILESIZE_EXCEEDED:
			return IMAP_TOO_LARGE;
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
			return IMAP_BAD_CONFIG;
		case CURLE_WEIRD_SERVER_REPLY:
			return IMAP_PROTOCOL;
		default:
			return IMAP_CONNECT;
	}
}

/* One request; the answer (untagged lines or the message) in *b. */
static imap_status
perform(imap_conn *c, const char *url, const char *custom, buf_t *b, char *err, size_t errlen)
{
	CURLcode	rc;
	imap_status st;

	c->curl_err[0] = '\0';
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, custom);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, b);
	c->aborted = false;
	rc = curl_easy_perform(c->h);
	st = b->oom || c->aborted ? IMAP_CONNECT : b->over ? IMAP_TOO_LARGE : classify(rc);
	if (b->oom)
		snprintf(c->curl_err, sizeof(c->curl_err), "out of memory receiving the answer");
	else if (c->aborted)
		snprintf(c->curl_err, sizeof(c->curl_err), "interrupted");
	if (st != IMAP_OK)
		set_err(err, errlen, "%s%s", c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc),
				st == IMAP_NO_FOLDER ? " (the server answered NO)" : NULL);
	return st;
}

bool
imap_mutf7(const char *utf8, char *buf, size_t buflen)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	const unsigned char *p = (const unsigned char *) utf8;
	size_t		o = 0;

#define PUT(ch) do { if (o + 1 >= buflen) return false; buf[o++] = (char) (ch); } while (0)
	while (*p)
	{
		uint32_t	bits = 0;
		int			nbits = 0;

		if (*p >= 0x20 && *p <= 0x7e)
		{
			PUT(*p);
			if (*p == '&')
				PUT('-');
			p++;
			continue;
		}
		PUT('&');
		while (*p && !(*p >= 0x20 && *p <= 0x7e))
		{
			uint32_t	cp;
			int			len,
						nu;
			uint16_t	u[2];

			if (*p < 0x80)
				return false;	/* control character */
			len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
			if (len == 0 || *p > 0xF4)
				return false;
			cp = *p & (0x7F >> len);
			for (int i = 1; i < len; i++)
			{
				if ((p[i] & 0xC0) != 0x80)
					return false;
				cp = (cp << 6) | (p[i] & 0x3F);
			}
			if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
				cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
				return false;
			if (cp >= 0x10000)
			{
				cp -= 0x10000;
				u[0] = (uint16_t) (0xD800 + (cp >> 10));
				u[1] = (uint16_t) (0xDC00 + (cp & 0x3FF));
				nu = 2;
			}
			else
			{
				u[0] = (uint16_t) cp;
				nu = 1;
			}
			for (int i = 0; i < nu; i++)
			{
				bits = (bits << 16) | u[i];
				nbits += 16;
				while (nbits >= 6)
				{
					nbits -= 6;
					PUT(b64[(bits >> nbits) & 63]);
				}
				bits &= (1u << nbits) - 1;
			}
			p += len;
		}
		if (nbits > 0)
			PUT(b64[(bits << (6 - nbits)) & 63]);
		PUT('-');
	}
#undef PUT
	buf[o] = '\0';
	return true;
}

static int
mutf7_b64(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	return ch == '+' ? 62 : ch == ',' ? 63 : -1;
}

/*
 * An ASCII name that is valid modified UTF-7 (RFC 3501 5.1.3): every '&'
 * starts "&-" or a base64 run of UTF-16 units that are not printable ASCII,
 * closed by '-', with no leftover bits.  Such a name (as copied from a
 * server's listing, e.g. &XfJT0ZAB-) is sent as it is.
 */
static bool
valid_mutf7(const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		uint32_t	bits = 0;
		int			nbits = 0,
					units = 0,
					v;

		if (*p != '&')
			continue;
		p++;
		if (*p == '-')
			continue;
		for (; (v = mutf7_b64(*p)) >= 0; p++)
		{
			bits = (bits << 6) | (uint32_t) v;
			nbits += 6;
			if (nbits >= 16)
			{
				uint32_t	u = (bits >> (nbits - 16)) & 0xFFFF;

				nbits -= 16;
				bits &= (1u << nbits) - 1;
				if (u >= 0x20 && u <= 0x7e)
					return false;
				units++;
			}
		}
		if (*p != '-' || units == 0 || nbits >= 6 || bits != 0)
			return false;
	}
	return true;
}

/*
 * The folder as the server names it: modified UTF-7 when it has non-ASCII,
 * or a '&' that is not already modified UTF-7 (R&D is R&-D on the server).
 */
static bool
server_name(const char *folder, char *buf, size_t buflen)
{
	for (const unsigned char *p = (const unsigned char *) folder; *p; p++)
		if (*p >= 0x80)
			return imap_mutf7(folder, buf, buflen);
	if (!valid_mutf7(folder))
		return imap_mutf7(folder, buf, buflen);
	if (strlen(folder) + 1 > buflen)
		return false;
	strcpy(buf, folder);
	return true;
}

bool
imap_quote(const char *folder, char *buf, size_t buflen)
{
	size_t		o = 0;
	char		name[512];

	if (buflen < 3 || !server_name(folder, name, sizeof(name)))
		return false;
	buf[o++] = '"';
	for (const char *p = name; *p; p++)
	{
		if (*p == '\r' || *p == '\n')
			return false;
		if (*p == '"' || *p == '\\')
		{
			if (o + 1 >= buflen)
				return false;
			buf[o++] = '\\';
		}
		if (o + 1 >= buflen)
			return false;
		buf[o++] = *p;
	}
	if (o + 2 > buflen)
		return false;
	buf[o++] = '"';
	buf[o] = '\0';
	return true;
}

bool
imap_url_folder(const char *folder, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		o = 0;
	char		name[512];

	if (!server_name(folder, name, sizeof(name)))
		return false;
	for (const unsigned char *p = (const unsigned char *) name; *p; p++)
	{
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
		{
			if (o + 2 > buflen)
				return false;
			buf[o++] = (char) *p;
		}
		else
		{
			if (o + 4 > buflen)
				return false;
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	if (o + 1 > buflen)
		return false;
	buf[o] = '\0';
	return true;
}

/* The number after "key " in s (first occurrence, case-sensitive). */
static bool
number_after(const char *s, size_t len, const char *key, uint32_t *out)
{
	size_t		kl = strlen(key);

	for (size_t i = 0; i + kl < len; i++)
	{
		if (memcmp(s + i, key, kl) == 0 && (i == 0 || !isalnum((unsigned char) s[i - 1])) &&
			s[i + kl] == ' ' && i + kl + 1 < len && isdigit((unsigned char) s[i + kl + 1]))
		{
			unsigned long long v = 0;
			size_t		j = i + kl + 1;

			while (j < len && isdigit((unsigned char) s[j]) && v <= 0xFFFFFFFFull)
				v = v * 10 + (unsigned) (s[j++] - '0');
			if (v > 0xFFFFFFFFull)
				return false;
			*out = (uint32_t) v;
			return true;
		}
	}
	return false;
}

bool
imap_parse_examine(const char *resp, size_t len, uint32_t *uidvalidity, uint32_t *uidnext)
{
	uint32_t	v = 0,
				nx = 0;

	if (resp == NULL || !number_after(resp, len, "UIDVALIDITY", &v) || v == 0)
		return false;
	(void) number_after(resp, len, "UIDNEXT", &nx);
	*uidvalidity = v;
	if (uidnext)
		*uidnext = nx;
	return true;
}

static int
cmp_msg(const void *a, const void *b)
{
	uint32_t	x = ((const imap_msg *) a)->uid,
				y = ((const imap_msg *) b)->uid;

	return x < y ? -1 : x > y;
}

size_t
imap_parse_fetch_sizes(const char *resp, size_t len, uint32_t after_uid, imap_msg **out)
{
	size_t		n = 0,
				cap = 0;
	imap_msg   *m = NULL;
	const char *p = resp;
	const char *end = resp + len;

	*out = NULL;
	while (resp && p < end)
	{
		const char *eol = memchr(p, '\n', (size_t) (end - p));
		size_t		ll = eol ? (size_t) (eol - p) : (size_t) (end - p);
		const char *paren = memchr(p, '(', ll);

		/* "* <seq> FETCH (" */
		if (ll > 9 && p[0] == '*' && p[1] == ' ' && paren && ll - (size_t) (paren - p) > 1)
		{
			const char *q = p + 2;
			uint32_t	uid = 0;
			uint32_t	size32 = 0;
			bool		has_uid,
						has_size;

			while (q < paren && isdigit((unsigned char) *q))
				q++;
			if (q + 7 <= paren && strncmp(q, " FETCH ", 7) == 0)
			{
				size_t		rest = ll - (size_t) (paren - p);

				has_uid = number_after(paren, rest, "UID", &uid);
				has_size = number_after(paren, rest, "RFC822.SIZE", &size32);
				if (has_uid && has_size && uid > after_uid)
				{
					bool		seen = false;

					for (size_t k = 0; k + 5 <= rest; k++)
						if (paren[k] == '\\' && strncasecmp(paren + k + 1, "Seen", 4) == 0 &&
							(k + 5 == rest || !isalnum((unsigned char) paren[k + 5])))
							seen = true;
					if (n == cap)
					{
						imap_msg   *nm;

						cap = cap ? cap * 2 : 64;
						nm = realloc(m, cap * sizeof(*m));
						if (nm == NULL)
							break;
						m = nm;
					}
					m[n].uid = uid;
					m[n].size = size32;
					m[n].seen = seen;
					n++;
				}
			}
		}
		p = eol ? eol + 1 : end;
	}
	if (n > 1)
	{
		size_t		w = 1;

		qsort(m, n, sizeof(*m), cmp_msg);
		for (size_t i = 1; i < n; i++)
			if (m[i].uid != m[w - 1].uid)
				m[w++] = m[i];
		n = w;
	}
	*out = m;
	return n;
}

/*
 * One request: custom command cmd (NULL: a plain fetch) on the server URL
 * (folder NULL) or on folder's URL followed by suffix.  The answer is in *b
 * (free b->data).
 */
static imap_status
request(imap_conn *c, const char *folder, const char *suffix, const char *cmd, buf_t *b,
		char *err, size_t errlen)
{
	char		f[1800];
	char		url[4096];

	if (folder && !imap_url_folder(folder, f, sizeof(f)))
	{
		set_err(err, errlen, "folder name \"%s\" is not usable%s", folder, NULL);
		return IMAP_BAD_CONFIG;
	}
	if (snprintf(url, sizeof(url), "%s/%s%s", c->base, folder ? f : "", suffix ? suffix : "") >= (int) sizeof(url))
	{
		set_err(err, errlen, "URL for folder \"%s\" is too long%s", folder, NULL);
		return IMAP_BAD_CONFIG;
	}
	return perform(c, url, cmd, b, err, errlen);
}

imap_status
imap_examine(imap_conn *c, const char *folder, uint32_t *uidvalidity, uint32_t *uidnext, char *err, size_t errlen)
{
	char		q[600];
	char		cmd[700];
	buf_t		b = {.max = 1 << 20};
	imap_status st;

	if (!imap_quote(folder, q, sizeof(q)))
	{
		set_err(err, errlen, "folder name \"%s\" is not usable%s", folder, NULL);
		return IMAP_BAD_CONFIG;
	}
	snprintf(cmd, sizeof(cmd), "STATUS %s (UIDVALIDITY UIDNEXT MESSAGES)", q);
	st = request(c, NULL, NULL, cmd, &b, err, errlen);
	if (st == IMAP_OK && !imap_parse_examine(b.data, b.len, uidvalidity, uidnext))
	{
		set_err(err, errlen, "STATUS %s gave no UIDVALIDITY%s", folder, NULL);
		st = IMAP_PROTOCOL;
	}
	free(b.data);
	return st;
}

imap_status
imap_list_after(imap_conn *c, const char *folder, uint32_t after_uid, uint32_t upto_uid, imap_msg **out, size_t *n,
				char *err, size_t errlen)
{
	char		cmd[80];
	buf_t		b = {.max = 64 << 20};
	imap_status st;

	*out = NULL;
	*n = 0;
	if (upto_uid > after_uid)
		snprintf(cmd, sizeof(cmd), "UID FETCH %u:%u (UID RFC822.SIZE FLAGS)", after_uid + 1, upto_uid);
	else
		snprintf(cmd, sizeof(cmd), "UID FETCH %u:* (UID RFC822.SIZE FLAGS)", after_uid + 1);
	st = request(c, folder, NULL, cmd, &b, err, errlen);
	if (st == IMAP_OK)
	{
		*n = imap_parse_fetch_sizes(b.data, b.len, after_uid, out);
		/* "a:b" answers nothing above b, but keep the promise anyway */
		while (upto_uid > after_uid && *n > 0 && (*out)[*n - 1].uid > upto_uid)
			(*n)--;
	}
	free(b.data);
	return st;
}

imap_status
imap_fetch(imap_conn *c, const char *folder, uint32_t uidvalidity, uint32_t uid, size_t max_bytes,
		   char **data, size_t *len, char *err, size_t errlen)
{
	char		suffix[64];
	buf_t		b = {.max = max_bytes};
	imap_status st;

	*data = NULL;
	*len = 0;
	snprintf(suffix, sizeof(suffix), ";UIDVALIDITY=%u/;UID=%u", uidvalidity, uid);
	st = request(c, folder, suffix, NULL, &b, err, errlen);
	if (st == IMAP_PROTOCOL)
	{
		/*
		 * A server may send an unsolicited "* n FETCH (FLAGS ...)" at any
		 * time (RFC 3501 7.4.2: another client changed a flag); curl takes
		 * the first FETCH line for the answer and fails to find the body.
		 * curl has dropped the connection: ask once more on a fresh one,
		 * which has no pending updates.
		 */
		free(b.data);
		b = (buf_t) {.max = max_bytes};
		st = request(c, folder, suffix, NULL, &b, err, errlen);
	}
	if (st != IMAP_OK)
	{
		free(b.data);
		return st;
	}
	if (b.data == NULL)
	{
		b.data = strdup("");
		if (b.data == NULL)
			return IMAP_PROTOCOL;
	}
	*data = b.data;
	*len = b.len;
	return IMAP_OK;
}

imap_status
imap_unsee(imap_conn *c, const char *folder, uint32_t uid, char *err, size_t errlen)
{
	char		cmd[64];
	buf_t		b = {.max = 1 << 20};
	imap_status st;

	snprintf(cmd, sizeof(cmd), "UID STORE %u -FLAGS.SILENT (\\Seen)", uid);
	st = request(c, folder, NULL, cmd, &b, err, errlen);
	free(b.data);
	return st;
}
