/*
 * test_llm_http.c -- the LLM/webhook HTTP engine (src/core/llm_http.h)
 * against test/fake_llm/fake_llm.py, which this program starts itself
 * (python3 fake_llm.py 0; the first stdout line is the port) and stops at
 * the end.  The script is found through $FAKE_LLM, ./test/fake_llm/, or
 * next to this source file.
 *
 * Scenarios: a good answer with usage and latency; each failure class the
 * worker must tell apart (429 + Retry-After, 5xx, hang past the total
 * timeout, refused connection, dropped connection, response over the cap,
 * malformed body, prose instead of JSON, truncated answer, wrong shape);
 * ```json fences; schemes other than http(s) refused before any transfer;
 * the API key never in any message; 50 requests at 200 ms with 10 slots in
 * about 1 s; a slow request does not delay the callbacks of fast ones;
 * WeCom webhooks; wakeup / interrupt / abort; and the pure helpers
 * (backoff, Retry-After, URLs, content parsing) with exact values.
 * TAP output; exit status 1 on any failure.  Timing figures are printed as
 * "# ..." lines and asserted only loosely.
 */
#define _GNU_SOURCE
#include "agent_shapes.h"
#include "llm_http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEY "sk-test-SECRET-0123456789abcdef"
#define MAX_RECS 256

static int	n_tests = 0;
static int	n_fail = 0;
static pid_t fake_pid = -1;
static int	fake_port = 0;
static char base_url[128];

static void
check(int ok, const char *desc)
{
	n_tests++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_tests, desc);
	fflush(stdout);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- */
/* the fake server                                                  */

static const char *
fake_script(void)
{
	static char buf[1024];
	const char *env = getenv("FAKE_LLM");
	const char *slash;

	if (env && access(env, R_OK) == 0)
		return env;
	if (access("test/fake_llm/fake_llm.py", R_OK) == 0)
		return "test/fake_llm/fake_llm.py";
	slash = strrchr(__FILE__, '/');
	if (slash)
	{
		snprintf(buf, sizeof(buf), "%.*s/../fake_llm/fake_llm.py",
				 (int) (slash - __FILE__), __FILE__);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return NULL;
}

static bool
start_fake(void)
{
	int			fds[2];
	const char *script = fake_script();
	char		line[32];
	size_t		n = 0;

	if (!script || pipe(fds) != 0)
		return false;
	fake_pid = fork();
	if (fake_pid < 0)
		return false;
	if (fake_pid == 0)
	{
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", script, "0", (char *) NULL);
		_exit(127);
	}
	close(fds[1]);
	while (n < sizeof(line) - 1)
	{
		ssize_t		r = read(fds[0], line + n, 1);

		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	close(fds[0]);
	fake_port = atoi(line);
	snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d/v1", fake_port);
	return fake_port > 0;
}

static void
stop_fake(void)
{
	if (fake_pid > 0)
	{
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
		fake_pid = -1;
	}
}

typedef struct buf
{
	char	   *p;
	size_t		n;
} buf;

static size_t
buf_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	buf		   *b = ud;
	size_t		n = size * nmemb;
	char	   *np = realloc(b->p, b->n + n + 1);

	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->n, ptr, n);
	b->n += n;
	b->p[b->n] = '\0';
	return n;
}

/* GET (post == NULL) or POST to the fake server; returns parsed JSON. */
static json_t *
fake_call(const char *path, const char *post)
{
	CURL	   *c = curl_easy_init();
	char		url[256];
	buf			b = {NULL, 0};
	json_t	   *j = NULL;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", fake_port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	if (post)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	if (curl_easy_perform(c) == CURLE_OK && b.p)
		j = json_loads(b.p, 0, NULL);
	curl_easy_cleanup(c);
	free(b.p);
	return j;
}

static long
fake_stat(const char *key)
{
	json_t	   *s = fake_call("/stats", NULL);
	long		v = s ? (long) json_integer_value(json_object_get(s, key)) : -1;

	json_decref(s);
	return v;
}

static void
fake_reset(void)
{
	json_decref(fake_call("/control", "{\"reset\":true}"));
}

/* ---------------------------------------------------------------- */
/* collecting results                                               */

typedef struct rec
{
	int			id;
	bool		done;
	llm_error_class err;
	int			http_status;
	int			curl_code;
	long		retry_after_ms;
	long		latency_ms;
	long		prompt_tokens,
				completion_tokens,
				total_tokens;
	long		webhook_errcode;
	char		message[LLM_MESSAGE_BYTES];
	char	   *content;
	json_t	   *parsed;
	char		finish_reason[32];
	char		model[64];
	long		t_done;			/* ms since t0 */
} rec;

static rec	recs[MAX_RECS];
static int	order[MAX_RECS];
static int	n_done = 0;
static long t0;

/* every message and error string seen, to check the key never leaks */
static char *seen_text[1024];
static int	n_seen = 0;

static void
remember_text(const char *s)
{
	if (n_seen < (int) (sizeof(seen_text) / sizeof(seen_text[0])))
		seen_text[n_seen++] = strdup(s);
}

static void
reset_recs(void)
{
	for (int i = 0; i < MAX_RECS; i++)
	{
		free(recs[i].content);
		json_decref(recs[i].parsed);
	}
	memset(recs, 0, sizeof(recs));
	n_done = 0;
	t0 = now_ms();
}

static void
on_done(void *user, const llm_result *r)
{
	rec		   *x = user;

	x->done = true;
	x->err = r->err;
	x->http_status = r->http_status;
	x->curl_code = r->curl_code;
	x->retry_after_ms = r->retry_after_ms;
	x->latency_ms = r->latency_ms;
	x->prompt_tokens = r->prompt_tokens;
	x->completion_tokens = r->completion_tokens;
	x->total_tokens = r->total_tokens;
	x->webhook_errcode = r->webhook_errcode;
	snprintf(x->message, sizeof(x->message), "%s", r->message);
	x->content = r->content ? strndup(r->content, r->content_len) : NULL;
	x->parsed = r->parsed ? json_incref(r->parsed) : NULL;
	snprintf(x->finish_reason, sizeof(x->finish_reason), "%s", r->finish_reason ? r->finish_reason : "");
	snprintf(x->model, sizeof(x->model), "%s", r->model ? r->model : "");
	x->t_done = now_ms() - t0;
	order[n_done++] = x->id;
	remember_text(r->message);
}

static void
drive(llm_engine *eng, long max_ms)
{
	long		end = now_ms() + max_ms;

	while (llm_engine_inflight(eng) > 0 && now_ms() < end)
		if (llm_engine_run(eng, 100, on_done) < 0)
			break;
}

static void
chat_req(llm_request *r, const char *prompt)
{
	llm_request_init(r);
	r->url = base_url;
	r->api_key = KEY;
	r->model = "test-model";
	r->system_prompt = "你是TopcentralMall的沟通分析专家。请输出JSON。";
	r->user_prompt = prompt;
	r->json_mode = true;
	r->temperature = 0.2;
	r->max_tokens = 800;
	r->connect_timeout_ms = 2000;
	r->total_timeout_ms = 10000;
}

/* One request, driven to completion; result in recs[id]. */
static rec *
one(llm_engine *eng, const llm_request *r, int id)
{
	int			rc;

	recs[id].id = id;
	rc = llm_engine_submit(eng, r, &recs[id]);
	if (rc != LLM_SUBMIT_OK)
	{
		printf("# submit failed %d: %s\n", rc, llm_engine_last_error(eng));
		return &recs[id];
	}
	drive(eng, 20000);
	return &recs[id];
}

static rec *
one_prompt(llm_engine *eng, const char *prompt, int id)
{
	llm_request r;

	chat_req(&r, prompt);
	return one(eng, &r, id);
}

/* ---------------------------------------------------------------- */
/* scenarios                                                        */

static void
test_success(llm_engine *eng)
{
	rec		   *x;
	char		err[300];
	json_t	   *cnt;
	llm_request r;

	reset_recs();
	x = one_prompt(eng, "沟通渠道: 企业微信\n内容: 你好，请问PCR-ABS-1000的价格是多少？"
				   "我们需要50吨/月，7月中旬试样，比较急。[[latency:150]]", 0);
	check(x->done && x->err == LLM_OK && x->http_status == 200 && strcmp(x->message, "ok") == 0,
		  "success: LLM_OK, HTTP 200, message ok");
	check(x->prompt_tokens > 0 && x->completion_tokens > 0 &&
		  x->total_tokens == x->prompt_tokens + x->completion_tokens,
		  "success: usage tokens from the response");
	check(x->latency_ms >= 150 && x->latency_ms < 5000, "success: latency measured (>= the server's 150 ms)");
	printf("# success: latency %ld ms, tokens %ld + %ld\n", x->latency_ms, x->prompt_tokens,
		   x->completion_tokens);
	check(strcmp(x->model, "test-model") == 0 && strcmp(x->finish_reason, "stop") == 0,
		  "success: model and finish_reason reported");
	check(x->parsed && agent_validate_a10(x->parsed, err, sizeof(err)) &&
		  strcmp(json_string_value(json_object_get(json_object_get(x->parsed, "intent"), "category")),
				 "inquiry") == 0 &&
		  strcmp(json_string_value(json_object_get(json_object_get(x->parsed, "urgency"), "level")), "high") == 0,
		  "success: parsed content is a valid A10 answer derived from the prompt");

	cnt = fake_call("/stats/auth", "Bearer " KEY);
	check(cnt && json_integer_value(json_object_get(cnt, "count")) == 1,
		  "success: the server saw 'Authorization: Bearer <key>' once");
	json_decref(cnt);

	/* base URL with a trailing slash, and without /v1 */
	chat_req(&r, "内容: 订单确认");
	snprintf(err, sizeof(err), "http://127.0.0.1:%d/v1/", fake_port);
	r.url = err;
	x = one(eng, &r, 1);
	check(x->err == LLM_OK, "URL: base with a trailing slash works");
	snprintf(err, sizeof(err), "HTTP://127.0.0.1:%d", fake_port);
	x = one(eng, &r, 2);
	check(x->err == LLM_OK, "URL: upper-case scheme, base without path works");
	cnt = fake_call("/stats", NULL);
	check(json_integer_value(json_object_get(json_object_get(cnt, "paths"), "/v1/chat/completions")) == 2 &&
		  json_integer_value(json_object_get(json_object_get(cnt, "paths"), "/chat/completions")) == 1,
		  "URL: exactly one slash before chat/completions");
	json_decref(cnt);

	/* the fake answers every agent's shape; the validators accept them */
	{
		static const char *const agents[] = {"A11", "A12", "A13", "A14", "A16"};
		bool		all = true;

		for (int i = 0; i < 5; i++)
		{
			char		prompt[128];

			snprintf(prompt, sizeof(prompt), "客户名称: 宁波奥克斯 [[agent:%s]]", agents[i]);
			x = one_prompt(eng, prompt, 10 + i);
			if (x->err != LLM_OK || !agent_validate(agents[i], x->parsed, err, sizeof(err)))
			{
				printf("# %s: %s / %s\n", agents[i], x->message, err);
				all = false;
			}
		}
		check(all, "fake_llm's A11, A12, A13, A14, A16 answers pass the validators");
	}

	/* no key: no Authorization header */
	chat_req(&r, "内容: 你好");
	r.api_key = NULL;
	x = one(eng, &r, 3);
	cnt = fake_call("/stats", NULL);
	check(x->err == LLM_OK &&
		  json_integer_value(json_object_get(json_object_get(cnt, "auth"), "none")) == 1,
		  "no api_key: no Authorization header sent (Ollama-style)");
	json_decref(cnt);
}

static void
test_failures(llm_engine *eng)
{
	rec		   *x;
	llm_request r;
	char		err[300];
	int			sock;
	struct sockaddr_in sa;
	socklen_t	sl = sizeof(sa);
	char		url[128];

	reset_recs();
	x = one_prompt(eng, "内容: x [[mode:429]]", 0);
	check(x->err == LLM_RETRY_RATE_LIMIT && x->http_status == 429 && x->retry_after_ms == 1000,
		  "429: rate-limit class, Retry-After: 1 -> 1000 ms");
	check(strcmp(x->message, "HTTP 429 (retry after 1000 ms): rate limit reached (fake)") == 0,
		  "429: message carries the server's error text");
	x = one_prompt(eng, "内容: x [[mode:429date]]", 1);
	printf("# 429 with HTTP-date Retry-After: %ld ms\n", x->retry_after_ms);
	check(x->err == LLM_RETRY_RATE_LIMIT && x->retry_after_ms >= 1000 && x->retry_after_ms <= 4000,
		  "429: Retry-After as an HTTP-date (now + 3 s) parsed");
	x = one_prompt(eng, "内容: x [[mode:500]]", 2);
	check(x->err == LLM_RETRY_SERVER && x->http_status == 500 && x->retry_after_ms == -1,
		  "500: server class");
	x = one_prompt(eng, "内容: x [[mode:503]]", 3);
	check(x->err == LLM_RETRY_SERVER && x->retry_after_ms == 2000, "503: server class with Retry-After 2 s");
	x = one_prompt(eng, "内容: x [[mode:400]]", 4);
	check(x->err == LLM_FAIL_CLIENT && strcmp(x->message, "HTTP 400: model not found (fake)") == 0,
		  "400: client failure, not retried");
	check(!llm_class_retryable(x->err, true) && llm_class_retryable(LLM_RETRY_RATE_LIMIT, false),
		  "classes: client failure not retryable, rate limit retryable");

	chat_req(&r, "内容: x [[mode:hang]]");
	r.total_timeout_ms = 500;
	x = one(eng, &r, 5);
	printf("# hang with 500 ms total timeout ended after %ld ms\n", x->latency_ms);
	check(x->err == LLM_RETRY_TIMEOUT && x->http_status == 0 && x->latency_ms >= 450 && x->latency_ms < 3000,
		  "hang: total timeout -> timeout class after ~500 ms");

	chat_req(&r, "内容: x [[mode:hang]]");
	r.low_speed_bytes = 1;
	r.low_speed_secs = 1;
	x = one(eng, &r, 6);
	/* curl averages the speed over a ~5 s window that includes the upload */
	printf("# hang with low-speed limit 1 B/s over 1 s ended after %ld ms\n", x->latency_ms);
	check(x->err == LLM_RETRY_TIMEOUT && x->latency_ms >= 900 && x->latency_ms < 9000,
		  "hang: low-speed limit -> timeout class (curl's ~5 s speed window)");

	/* a port nobody listens on */
	sock = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(sock, (struct sockaddr *) &sa, sizeof(sa));
	getsockname(sock, (struct sockaddr *) &sa, &sl);
	close(sock);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1", ntohs(sa.sin_port));
	chat_req(&r, "内容: x");
	r.url = url;
	x = one(eng, &r, 7);
	check(x->err == LLM_RETRY_CONNECT && x->http_status == 0 && x->curl_code == CURLE_COULDNT_CONNECT,
		  "closed port: connect class");

	/* a listener whose accept queue is full drops our SYN: connect timeout */
	{
		int			lfd = socket(AF_INET, SOCK_STREAM, 0);
		int			fill[4];
		struct sockaddr_in la;
		socklen_t	ll = sizeof(la);

		memset(&la, 0, sizeof(la));
		la.sin_family = AF_INET;
		la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(lfd, (struct sockaddr *) &la, sizeof(la));
		listen(lfd, 0);
		getsockname(lfd, (struct sockaddr *) &la, &ll);
		for (int i = 0; i < 4; i++)
		{
			fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			connect(fill[i], (struct sockaddr *) &la, sizeof(la));
		}
		usleep(50 * 1000);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1", ntohs(la.sin_port));
		chat_req(&r, "内容: x");
		r.url = url;
		r.connect_timeout_ms = 300;
		x = one(eng, &r, 24);
		printf("# full accept queue: %s after %ld ms: %s\n", llm_class_name(x->err), x->latency_ms, x->message);
		check(x->err == LLM_RETRY_CONNECT && x->curl_code == CURLE_OPERATION_TIMEDOUT &&
			  x->latency_ms >= 250 && x->latency_ms < 3000,
			  "connect timeout: connect class, not the request-timeout class");
		for (int i = 0; i < 4; i++)
			close(fill[i]);
		close(lfd);
	}

	/* an address that drops SYNs (or is unreachable here): connect class */
	chat_req(&r, "内容: x");
	r.url = "http://10.255.255.1:9/v1";
	r.connect_timeout_ms = 300;
	x = one(eng, &r, 23);
	printf("# unroutable address: %s after %ld ms\n", llm_class_name(x->err), x->latency_ms);
	if (x->http_status != 0)	/* something on this network answers for it */
		check(1, "connect timeout / unreachable: connect class # SKIP the network intercepts 10.255.255.1");
	else
		check(x->err == LLM_RETRY_CONNECT && x->latency_ms < 3000,
			  "connect timeout / unreachable: connect class");

	x = one_prompt(eng, "内容: x [[mode:drop]]", 8);
	check(x->err == LLM_RETRY_SERVER && x->curl_code == CURLE_GOT_NOTHING,
		  "connection closed without a response: server class");

	chat_req(&r, "内容: x [[mode:big]] [[big:100000]]");
	r.max_response_bytes = 4096;
	x = one(eng, &r, 9);
	check(x->err == LLM_FAIL_RESPONSE &&
		  strcmp(x->message, "response exceeds the 4096-byte cap; transfer aborted") == 0,
		  "response over max_response_bytes: aborted, bad-response class");
	chat_req(&r, "内容: x [[mode:big]] [[big:100000]]");
	r.max_response_bytes = 200000;
	x = one(eng, &r, 10);
	check(x->err == LLM_OK && x->parsed != NULL, "a 100 kB answer under a 200 kB cap is fine");

	x = one_prompt(eng, "内容: x [[mode:malformed]]", 11);
	check(x->err == LLM_FAIL_RESPONSE &&
		  strncmp(x->message, "HTTP 200 but the body is not JSON: ", 35) == 0,
		  "malformed body: bad-response class");
	x = one_prompt(eng, "内容: x [[mode:nonjson]]", 12);
	check(x->err == LLM_FAIL_RESPONSE && x->content && strstr(x->content, "抱歉") &&
		  strncmp(x->message, "content is not a JSON object: ", 30) == 0,
		  "prose content in JSON mode: bad-response class, content still reported");
	x = one_prompt(eng, "内容: x [[mode:nocontent]]", 13);
	check(x->err == LLM_FAIL_RESPONSE && strcmp(x->message, "response has no choices") == 0,
		  "no choices: bad-response class");
	x = one_prompt(eng, "内容: x [[mode:truncated]]", 14);
	check(x->err == LLM_FAIL_RESPONSE && strcmp(x->finish_reason, "length") == 0 &&
		  strncmp(x->message, "answer truncated at max_tokens (finish_reason length); ", 55) == 0,
		  "truncated answer: bad-response class naming finish_reason length");
	check(llm_class_retryable(LLM_FAIL_RESPONSE, true) && !llm_class_retryable(LLM_FAIL_RESPONSE, false),
		  "classes: bad response retryable only as configured");

	x = one_prompt(eng, "内容: 报价 [[mode:fenced]]", 15);
	check(x->err == LLM_OK && x->content && strncmp(x->content, "```json\n", 8) == 0 &&
		  agent_validate_a10(x->parsed, err, sizeof(err)), "```json fenced content parsed");
	x = one_prompt(eng, "内容: 报价 [[mode:prose]]", 16);
	check(x->err == LLM_OK && agent_validate_a10(x->parsed, err, sizeof(err)),
		  "JSON object wrapped in prose parsed");

	x = one_prompt(eng, "内容: 报价 [[mode:wrongshape]]", 17);
	check(x->err == LLM_OK && x->parsed && !agent_validate_a10(x->parsed, err, sizeof(err)) &&
		  strcmp(err, "sentiment.score: 7 is outside 0..1") == 0,
		  "wrong shape: HTTP-level ok, the validator names the field (caller sets LLM_FAIL_SHAPE)");
	check(strcmp(llm_class_name(LLM_FAIL_SHAPE), "bad_shape") == 0, "class names for the job table");

	/* free text (A15 report): expect_json off */
	chat_req(&r, "你是TopcentralMall的报告生成专家。客户名称: 宁波奥克斯");
	r.json_mode = false;
	x = one(eng, &r, 18);
	check(x->err == LLM_OK && x->parsed == NULL && x->content && strncmp(x->content, "# ", 2) == 0 &&
		  agent_validate_a15_markdown(x->content, strlen(x->content), err, sizeof(err)),
		  "text mode: Markdown content returned as is");

	/* flaky: two 500s then success, per job key */
	json_decref(fake_call("/control", "{\"mode\":\"flaky\",\"fail_first_n\":2}"));
	x = one_prompt(eng, "内容: a [[job:J1]]", 19);
	check(x->err == LLM_RETRY_SERVER, "flaky: first attempt fails");
	x = one_prompt(eng, "内容: a [[job:J1]]", 20);
	check(x->err == LLM_RETRY_SERVER, "flaky: second attempt fails");
	x = one_prompt(eng, "内容: a [[job:J1]]", 21);
	check(x->err == LLM_OK, "flaky: third attempt succeeds");
	json_decref(fake_call("/control", "{\"mode\":\"ok\"}"));

	/* the 401 echoes the Authorization header back; our message must not */
	x = one_prompt(eng, "内容: x [[mode:401echo]]", 22);
	printf("# 401 message: %s\n", x->message);
	check(x->err == LLM_FAIL_CLIENT && strstr(x->message, "Incorrect API key provided: Bearer ***") &&
		  !strstr(x->message, "SECRET") && !strstr(x->message, "0123456789"),
		  "401 echoing the key: message scrubbed");
}

static void
test_refusals(llm_engine *eng)
{
	static const char *const bad[] = {
		"file:///etc/passwd", "ftp://127.0.0.1:21/", "gopher://127.0.0.1/", "dict://127.0.0.1/",
		"http://", "http:///v1", "https://exa mple.com/", "http://a\r\nX-Injected: 1",
		"javascript:alert(1)", "", "//127.0.0.1/v1", NULL
	};
	llm_request r;
	long		before = fake_stat("requests");
	bool		all = true;
	int			rc;

	for (int i = 0; bad[i]; i++)
	{
		chat_req(&r, "内容: x");
		r.url = bad[i];
		rc = llm_engine_submit(eng, &r, NULL);
		remember_text(llm_engine_last_error(eng));
		if (rc != LLM_SUBMIT_INVALID || llm_engine_inflight(eng) != 0)
		{
			printf("# accepted: %s\n", bad[i]);
			all = false;
		}
	}
	check(all, "non-http(s) schemes and malformed URLs refused at submit");
	chat_req(&r, "内容: x");
	r.url = NULL;
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID, "NULL URL refused");
	drive(eng, 200);
	check(fake_stat("requests") == before, "refused requests never reached the server");

	chat_req(&r, "内容: x");
	r.api_key = KEY "\r\nX-Evil: 1";
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID &&
		  strcmp(llm_engine_last_error(eng), "api_key contains spaces or control characters") == 0,
		  "key with CR/LF refused (header injection), error does not quote it");
	chat_req(&r, "内容: x");
	r.model = NULL;
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID &&
		  strcmp(llm_engine_last_error(eng), "model is missing") == 0, "missing model refused");
	chat_req(&r, "\xff\xfe not utf-8");
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID &&
		  strcmp(llm_engine_last_error(eng), "user prompt is not valid UTF-8") == 0, "invalid UTF-8 prompt refused");
	chat_req(&r, "内容: x");
	r.extra_body_json = "[1]";
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID, "extra_body_json must be an object");
	check(llm_engine_inflight(eng) == 0, "nothing in flight after refusals");
}

static void
test_extra_body(llm_engine *eng)
{
	llm_request r;
	rec		   *x;

	reset_recs();
	chat_req(&r, "内容: 你好");
	r.extra_body_json = "{\"enable_thinking\":false,\"model\":\"override-model\"}";
	x = one(eng, &r, 0);
	check(x->err == LLM_OK && strcmp(x->model, "override-model") == 0,
		  "extra_body_json merged into the request (its keys win)");
}

static int	refill_left;
static llm_engine *refill_eng;
static int	refill_next;

static void
submit_fast(int id, int latency)
{
	llm_request r;
	char		prompt[128];

	snprintf(prompt, sizeof(prompt), "内容: 第%d条询价 [[latency:%d]]", id, latency);
	chat_req(&r, prompt);
	recs[id].id = id;
	if (llm_engine_submit(refill_eng, &r, &recs[id]) != LLM_SUBMIT_OK)
		printf("# submit %d failed: %s\n", id, llm_engine_last_error(refill_eng));
}

static void
on_done_refill(void *user, const llm_result *r)
{
	on_done(user, r);
	if (refill_left > 0)
	{
		refill_left--;
		submit_fast(refill_next++, 200);
	}
}

static void
test_concurrency(void)
{
	llm_engine *eng = llm_engine_new(10);
	long		elapsed,
				end;
	bool		all_ok = true;
	json_t	   *st;

	reset_recs();
	fake_reset();
	refill_eng = eng;
	refill_next = 0;
	refill_left = 50;
	while (llm_engine_free_slots(eng) > 0 && refill_left > 0)
	{
		refill_left--;
		submit_fast(refill_next++, 200);
	}
	check(llm_engine_inflight(eng) == 10 && llm_engine_submit(eng, &(llm_request) {0}, NULL) == LLM_SUBMIT_FULL,
		  "10 slots: the 11th submit is refused with LLM_SUBMIT_FULL");
	t0 = now_ms();
	end = t0 + 20000;
	while (llm_engine_inflight(eng) > 0 && now_ms() < end)
		llm_engine_run(eng, 100, on_done_refill);
	elapsed = now_ms() - t0;
	for (int i = 0; i < 50; i++)
		if (!recs[i].done || recs[i].err != LLM_OK)
			all_ok = false;
	st = fake_call("/stats", NULL);
	printf("# 50 requests x 200 ms, 10 slots: %ld ms (serial would be 10000 ms); server saw %lld at once\n",
		   elapsed, (long long) json_integer_value(json_object_get(st, "max_inflight")));
	check(all_ok && n_done == 50, "50 requests all answered, refilled from the callback");
	check(elapsed < 5000, "50 x 200 ms with 10 slots well under 5 s (about 1 s)");
	check(json_integer_value(json_object_get(st, "max_inflight")) == 10,
		  "the server saw exactly 10 concurrent requests");
	json_decref(st);
	llm_engine_free(eng);
}

/* The engine's size changes at run time (the worker applies
 * commhub.worker_max_inflight on a reload); lowering it ends nothing and
 * free slots never go negative. */
static void
test_set_max_inflight(void)
{
	llm_engine *eng = llm_engine_new(4);
	bool		all_ok = true;

	reset_recs();
	refill_eng = eng;
	for (int i = 0; i < 3; i++)
		submit_fast(i, 300);
	llm_engine_set_max_inflight(eng, 2);
	check(llm_engine_inflight(eng) == 3 && llm_engine_free_slots(eng) == 0 &&
		  llm_engine_submit(eng, &(llm_request) {0}, NULL) == LLM_SUBMIT_FULL,
		  "max_inflight lowered below what runs: 0 free slots (not negative), submit refused");
	drive(eng, 20000);
	for (int i = 0; i < 3; i++)
		if (!recs[i].done || recs[i].err != LLM_OK)
			all_ok = false;
	check(all_ok && llm_engine_free_slots(eng) == 2, "the running transfers finished; then 2 free slots");
	llm_engine_set_max_inflight(eng, 5000);
	check(llm_engine_free_slots(eng) == LLM_MAX_INFLIGHT, "raised (clamped to LLM_MAX_INFLIGHT)");
	llm_engine_set_max_inflight(eng, 0);
	check(llm_engine_free_slots(eng) == 1, "lowered to 0: clamped to 1");
	llm_engine_free(eng);
}

/* 150 connections at once: the engine and fake_llm both cope */
static void
test_many_connections(void)
{
	llm_engine *eng = llm_engine_new(150);
	long		elapsed;
	int			ok = 0;
	json_t	   *st;

	reset_recs();
	fake_reset();
	refill_eng = eng;
	for (int i = 0; i < 150; i++)
		submit_fast(i, 300);
	t0 = now_ms();
	drive(eng, 30000);
	elapsed = now_ms() - t0;
	for (int i = 0; i < 150; i++)
		ok += recs[i].done && recs[i].err == LLM_OK;
	st = fake_call("/stats", NULL);
	printf("# 150 concurrent requests x 300 ms: %ld ms, server saw %lld at once\n", elapsed,
		   (long long) json_integer_value(json_object_get(st, "max_inflight")));
	check(ok == 150 && elapsed < 10000, "150 concurrent connections all answered");
	json_decref(st);
	llm_engine_free(eng);
}

static void
test_slow_does_not_block_fast(void)
{
	llm_engine *eng = llm_engine_new(8);
	bool		fast_first = true;
	long		fast_max = 0;

	reset_recs();
	refill_eng = eng;
	submit_fast(0, 1500);		/* slow, submitted first */
	for (int i = 1; i <= 5; i++)
		submit_fast(i, 100 + 20 * i);
	t0 = now_ms();
	drive(eng, 10000);
	for (int k = 0; k < 5; k++)
		if (order[k] == 0)
			fast_first = false;
	for (int i = 1; i <= 5; i++)
		if (recs[i].t_done > fast_max)
			fast_max = recs[i].t_done;
	printf("# callback order:");
	for (int k = 0; k < n_done; k++)
		printf(" #%d@%ldms", order[k], recs[order[k]].t_done);
	printf("\n");
	check(n_done == 6 && fast_first && order[5] == 0, "slow request's callback comes last, fast ones first");
	check(fast_max < 1000 && recs[0].t_done >= 1400,
		  "fast callbacks arrive in ~0.2 s, not after the 1.5 s request");
	llm_engine_free(eng);
}

static void
test_webhook(llm_engine *eng)
{
	llm_request r;
	rec		   *x;
	char		url[256];
	json_t	   *got;
	const char *body = "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":"
		"\"**紧急** 宁波奥克斯: 客户投诉交货延迟\"}}";

	reset_recs();
	llm_request_init(&r);
	r.kind = LLM_KIND_WEBHOOK;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/webhook/alerts?key=WEBHOOK-KEY-693a91f6", fake_port);
	r.url = url;
	r.body_json = body;
	x = one(eng, &r, 0);
	check(x->err == LLM_OK && x->webhook_errcode == 0 && x->http_status == 200 &&
		  x->parsed && json_integer_value(json_object_get(x->parsed, "errcode")) == 0,
		  "webhook: WeCom robot message accepted (errcode 0)");
	got = fake_call("/webhook/alerts", NULL);
	check(got && json_integer_value(json_object_get(got, "count")) == 1 &&
		  strcmp(json_string_value(json_object_get(json_object_get(json_array_get(
																				 json_object_get(got, "messages"), 0), "markdown"), "content")),
				 "**紧急** 宁波奥克斯: 客户投诉交货延迟") == 0,
		  "webhook: the robot received the markdown content");
	check(got && json_is_null(json_array_get(json_object_get(got, "keys"), 0)),
		  "webhook: no Idempotency-Key header unless asked for");
	json_decref(got);
	r.idempotency_key = "commhub-job-42";
	x = one(eng, &r, 3);		/* its own slot: on_done does not free one it overwrites */
	got = fake_call("/webhook/alerts", NULL);
	check(x->err == LLM_OK && got && json_integer_value(json_object_get(got, "count")) == 2 &&
		  json_string_value(json_array_get(json_object_get(got, "keys"), 1)) &&
		  strcmp(json_string_value(json_array_get(json_object_get(got, "keys"), 1)), "commhub-job-42") == 0,
		  "webhook: the Idempotency-Key header is sent as given");
	json_decref(got);
	r.idempotency_key = "job 42\r\nX-Evil: 1";
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID &&
		  strncmp(llm_engine_last_error(eng), "idempotency_key must be", 23) == 0,
		  "webhook: an Idempotency-Key with spaces or CR/LF is refused (header injection)");
	r.idempotency_key = "";
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID, "webhook: an empty Idempotency-Key is refused");
	r.idempotency_key = NULL;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/webhook/fail?key=WEBHOOK-KEY-693a91f6", fake_port);
	x = one(eng, &r, 1);
	check(x->err == LLM_FAIL_CLIENT && x->webhook_errcode == 93000 &&
		  strcmp(x->message, "webhook errcode 93000: invalid webhook url, hint: [fake]") == 0,
		  "webhook: errcode != 0 is a failure carrying errmsg");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/webhook/busy", fake_port);
	x = one(eng, &r, 2);
	check(x->err == LLM_RETRY_SERVER && x->webhook_errcode == -1, "webhook: errcode -1 (busy) is retryable");

	r.body_json = "{\"msgtype\":";
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID &&
		  strncmp(llm_engine_last_error(eng), "webhook body is not JSON", 24) == 0,
		  "webhook: a body that is not JSON is refused at submit");
	r.body_json = NULL;
	check(llm_engine_submit(eng, &r, NULL) == LLM_SUBMIT_INVALID, "webhook: missing body refused");
}

static void *
wake_later(void *arg)
{
	usleep(200 * 1000);
	llm_engine_wakeup(arg);
	return NULL;
}

static volatile sig_atomic_t got_alarm = 0;

static void
on_alarm(int sig)
{
	(void) sig;
	got_alarm = 1;
}

static bool
alarm_pending(void *arg)
{
	(void) arg;
	return got_alarm != 0;
}

static void
on_done_reenter(void *user, const llm_result *r)
{
	on_done(user, r);
	recs[1].id = llm_engine_run(refill_eng, 0, on_done);	/* must refuse */
}

static void
test_control(void)
{
	llm_engine *eng = llm_engine_new(4);
	llm_request r;
	pthread_t	th;
	long		t;
	int			n;
	struct sigaction sa;
	struct itimerval it;

	reset_recs();
	t = now_ms();
	n = llm_engine_run(eng, 2000, on_done);
	check(n == 0 && now_ms() - t < 100, "run with nothing in flight returns at once");

	chat_req(&r, "内容: x [[mode:hang]]");
	recs[0].id = 0;
	llm_engine_submit(eng, &r, &recs[0]);
	pthread_create(&th, NULL, wake_later, eng);
	t = now_ms();
	n = llm_engine_run(eng, 5000, on_done);
	t = now_ms() - t;
	pthread_join(th, NULL);
	printf("# run(5000 ms) woken by another thread after %ld ms\n", t);
	check(n == 0 && t >= 150 && t < 2000 && llm_engine_inflight(eng) == 1,
		  "llm_engine_wakeup from another thread ends run early");

	/* a signal (like SIGTERM/SIGUSR1 in a worker) ends the poll; the
	 * interrupt callback then ends run */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: poll gets EINTR */
	llm_engine_set_interrupt(eng, alarm_pending, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 300 * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
	t = now_ms();
	n = llm_engine_run(eng, 5000, on_done);
	t = now_ms() - t;
	printf("# run(5000 ms) interrupted by a signal after %ld ms\n", t);
	check(n == 0 && got_alarm && t >= 250 && t < 2000, "a signal + interrupt callback ends run early");
	llm_engine_set_interrupt(eng, NULL, NULL);
	signal(SIGALRM, SIG_DFL);

	n = llm_engine_abort_all(eng, on_done);
	check(n == 1 && recs[0].done && recs[0].err == LLM_CANCELLED && llm_engine_inflight(eng) == 0 &&
		  llm_class_retryable(LLM_CANCELLED, false),
		  "abort_all: the hanging transfer is cancelled via the callback (retryable)");

	/* run from a callback is refused */
	reset_recs();
	refill_eng = eng;
	chat_req(&r, "内容: x");
	recs[0].id = 0;
	llm_engine_submit(eng, &r, &recs[0]);
	{
		long		end = now_ms() + 5000;

		while (llm_engine_inflight(eng) > 0 && now_ms() < end)
			llm_engine_run(eng, 100, on_done_reenter);
	}
	check(recs[0].done && recs[1].id == -1, "llm_engine_run from its own callback returns -1");

	/* free with a transfer in flight (valgrind checks nothing leaks) */
	chat_req(&r, "内容: x [[mode:hang]]");
	llm_engine_submit(eng, &r, NULL);
	llm_engine_run(eng, 50, on_done);
	check(llm_engine_inflight(eng) == 1, "a hanging transfer is in flight before free");
	llm_engine_free(eng);
	check(1, "llm_engine_free with a transfer in flight");
}

static void
test_helpers(void)
{
	char		out[64];
	char		err[200];
	json_t	   *j;
	struct tm	tm = {0};
	time_t		now;

	check(llm_backoff_ms(1, 500, 30000, -1, 0) == 0, "backoff: rand 0 -> 0");
	check(llm_backoff_ms(1, 500, 30000, -1, 499) == 499, "backoff: attempt 1 within 0..base");
	check(llm_backoff_ms(1, 500, 30000, -1, 501) == 0, "backoff: attempt 1 is rand % (base + 1)");
	check(llm_backoff_ms(3, 100, 10000, -1, 1234) == 31, "backoff: attempt 3 caps at 4 x base (1234 % 401)");
	check(llm_backoff_ms(30, 100, 10000, -1, 4000000000u) == 40, "backoff: capped at max (4e9 % 10001)");
	check(llm_backoff_ms(64, 1000, 3600000, -1, 4294967295u) == 166102, "backoff: huge attempt, no overflow");
	check(llm_backoff_ms(2, 100, 10000, 1000, 5) == 1000, "backoff: Retry-After is a floor");
	check(llm_backoff_ms(1, 100, 10000, 50000, 7) == 50000, "backoff: Retry-After honoured above max");
	check(llm_backoff_ms(0, 100, 10000, -1, 150) == 49, "backoff: attempt 0 counts as 1");

	tm.tm_year = 94;
	tm.tm_mon = 10;
	tm.tm_mday = 6;
	tm.tm_hour = 8;
	tm.tm_min = 49;
	tm.tm_sec = 30;
	now = timegm(&tm);
	check(llm_parse_retry_after("1", now) == 1000, "Retry-After: 1 -> 1000 ms");
	check(llm_parse_retry_after(" 120 \r\n", now) == 120000, "Retry-After: spaces and CRLF trimmed");
	check(llm_parse_retry_after("0", now) == 0, "Retry-After: 0");
	check(llm_parse_retry_after("999999", now) == 86400000, "Retry-After: clamped to a day");
	check(llm_parse_retry_after("-5", now) == -1 && llm_parse_retry_after("abc", now) == -1 &&
		  llm_parse_retry_after("", now) == -1 && llm_parse_retry_after(NULL, now) == -1,
		  "Retry-After: garbage -> -1");
	check(llm_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == 7000, "Retry-After: IMF-fixdate");
	check(llm_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == 7000, "Retry-After: RFC 850 date");
	check(llm_parse_retry_after("Sun Nov  6 08:49:37 1994", now) == 7000, "Retry-After: asctime date");
	check(llm_parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == 0, "Retry-After: past date -> 0");
	check(llm_parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", now) == -1 &&
		  llm_parse_retry_after("Sun, 32 Nov 1994 08:49:37 GMT", now) == -1 &&
		  llm_parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now) == -1,
		  "Retry-After: bad dates -> -1");

	check(llm_chat_url("http://h/v1", out, sizeof(out)) && strcmp(out, "http://h/v1/chat/completions") == 0,
		  "chat URL: appended");
	check(llm_chat_url("http://h/v1//", out, sizeof(out)) && strcmp(out, "http://h/v1/chat/completions") == 0,
		  "chat URL: trailing slashes collapsed");
	check(llm_chat_url("http://h", out, sizeof(out)) && strcmp(out, "http://h/chat/completions") == 0,
		  "chat URL: bare host");
	check(!llm_chat_url("http://h/v1", out, 20), "chat URL: too long for the buffer -> false");
	check(llm_url_allowed("http://a") && llm_url_allowed("HTTPS://a/b?c=d") &&
		  !llm_url_allowed("file:///etc/passwd") && !llm_url_allowed("http://a\n") &&
		  !llm_url_allowed("https://") && !llm_url_allowed(NULL),
		  "url_allowed: http(s) with a host only");

#define PARSE_OK(s, desc) do { \
		j = llm_parse_content_json(s, strlen(s), err, sizeof(err)); \
		check(json_is_object(j) && json_integer_value(json_object_get(j, "a")) == 1, desc); \
		json_decref(j); } while (0)
	PARSE_OK("{\"a\":1}", "content: plain object");
	PARSE_OK("  \n{\"a\":1}\n ", "content: surrounding whitespace");
	PARSE_OK("```json\n{\"a\":1}\n```", "content: ```json fence");
	PARSE_OK("```JSON\r\n{\"a\":1}\r\n```\n", "content: ```JSON fence with CRLF");
	PARSE_OK("```\n{\"a\":1}\n```", "content: bare ``` fence");
	PARSE_OK("好的，结果如下：\n```json\n{\"a\":1}\n```\n如有问题请告知。", "content: prose around a fence");
	PARSE_OK("结果：{\"a\":1} 完毕", "content: prose around an object");
	PARSE_OK("\xEF\xBB\xBF{\"a\":1}", "content: UTF-8 BOM");
	PARSE_OK("```json\n{\"a\":1, \"s\":\"``` inside\"}", "content: unterminated fence");
	/* a reasoning model served without a reasoning parser (DeepSeek-R1 or
	 * Qwen3 on vLLM/Ollama) puts its thinking first, often restating the
	 * prompt's JSON example -- braces and fences before the answer */
	PARSE_OK("<think>\n要输出 {\"a\": 0} 这样的格式, 例如 {\"a\": 2}\n</think>\n\n{\"a\":1}",
			 "content: a <think> block with braces before the answer");
	PARSE_OK("<think>先写```json\n{\"a\": 2}\n```再检查</think>\n```json\n{\"a\":1}\n```",
			 "content: a <think> block with a fence before the fenced answer");
	check(llm_skip_reasoning("<think>x</think>\n\n# R", 21) == 18 &&
		  llm_skip_reasoning("\xEF\xBB\xBF <think>\n{}\n</think>{}", 25) == 23 &&
		  llm_skip_reasoning("# R <think>x</think>", 20) == 0 &&
		  llm_skip_reasoning("<think>no end", 13) == 0 && llm_skip_reasoning(NULL, 0) == 0,
		  "skip_reasoning: a leading closed <think> block and the space after it, else 0");
	j = llm_parse_content_json("<think>只想了一半 {\"a\":1}", 30, err, sizeof(err));
	check(j != NULL && json_integer_value(json_object_get(j, "a")) == 1,
		  "content: an unclosed <think> is left as it is (prose around an object)");
	json_decref(j);
	j = llm_parse_content_json("[1,2]", 5, err, sizeof(err));
	check(!j && strncmp(err, "content is not a JSON object: not a JSON object", 47) == 0,
		  "content: an array is not an answer");
	j = llm_parse_content_json("  ", 2, err, sizeof(err));
	check(!j && strcmp(err, "content is empty") == 0, "content: blank");
	j = llm_parse_content_json("{\"a\":", 5, err, sizeof(err));
	check(!j && strncmp(err, "content is not a JSON object: ", 30) == 0, "content: cut-off JSON");
	j = llm_parse_content_json("{\"a\":1}xyz", 7, err, sizeof(err));
	check(j != NULL, "content: bounded by len");
	json_decref(j);
}

static void
test_no_key_anywhere(void)
{
	bool		clean = true;

	for (int i = 0; i < n_seen; i++)
	{
		if (strstr(seen_text[i], KEY) || strstr(seen_text[i], "SECRET") ||
			strstr(seen_text[i], "0123456789abcdef") || strstr(seen_text[i], "693a91f6"))
		{
			printf("# leaked: %s\n", seen_text[i]);
			clean = false;
		}
		free(seen_text[i]);
	}
	printf("# checked %d result messages and submit errors for the key\n", n_seen);
	check(clean && n_seen > 30, "the API key (and the webhook URL key) never appear in any message");
}

int
main(void)
{
	llm_engine *eng;

	signal(SIGPIPE, SIG_IGN);
	if (!llm_global_init())
	{
		printf("not ok 1 - curl_global_init\n");
		return 1;
	}
	test_helpers();
	if (!start_fake())
	{
		printf("not ok %d - could not start test/fake_llm/fake_llm.py (python3)\n", ++n_tests);
		stop_fake();
		return 1;
	}
	printf("# fake_llm on port %d\n", fake_port);
	eng = llm_engine_new(4);
	test_success(eng);
	test_failures(eng);
	test_refusals(eng);
	test_extra_body(eng);
	test_webhook(eng);
	llm_engine_free(eng);
	test_concurrency();
	test_set_max_inflight();
	test_many_connections();
	test_slow_does_not_block_fast();
	test_control();
	test_no_key_anywhere();
	reset_recs();
	stop_fake();
	llm_global_cleanup();
	printf("1..%d\n", n_tests);
	return n_fail ? 1 : 0;
}
