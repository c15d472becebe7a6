/*
 * llm_http.h -- the HTTP engine behind the agent workers (SPEC N3, N4, N5,
 * R2), server independent: libc, libcurl and jansson only, no postgres.h.
 *
 * ONE curl multi handle drives up to max_inflight transfers at once.  Each
 * transfer is either an OpenAI-compatible chat completion (DeepSeek, Qwen in
 * DashScope compatible mode, vLLM, Ollama, ...) or a plain JSON POST to a
 * webhook (WeCom group robot).  The engine knows nothing about jobs, tables
 * or retries: the caller (the background worker) claims jobs, submits them,
 * and gets one callback per transfer with a classified result; it decides
 * whether to retry (llm_class_retryable, llm_backoff_ms) and writes the
 * outcome in its own transaction.
 *
 * No batch waits for its slowest member: every transfer's callback runs as
 * soon as that transfer ends, and its slot is free at once -- the caller can
 * submit the next job from inside the callback or after llm_engine_run
 * returns.
 *
 * WORKER INTEGRATION (how a latch-driven Postgres background worker uses it)
 *
 *     eng = llm_engine_new(concurrency);
 *     llm_engine_set_interrupt(eng, latch_or_interrupt_pending, NULL);
 *     for (;;) {
 *         claim up to llm_engine_free_slots(eng) due jobs (short transaction,
 *             committed before any network wait), llm_engine_submit each;
 *         if (llm_engine_inflight(eng) > 0)
 *             llm_engine_run(eng, 100, on_done);    -- never blocks > 100 ms
 *         else
 *             WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT |
 *                       WL_EXIT_ON_PM_DEATH, next_due_ms, ...);
 *         ResetLatch(MyLatch); CHECK_FOR_INTERRUPTS(); reload on SIGHUP;
 *     }
 *
 * on_done writes one job's result (its own transaction, or queue it and
 * write after run returns).  While transfers are in flight the worker is
 * inside curl_multi_poll, not WaitLatch; SetLatch from another backend then
 * only sets MyLatch->is_set (PG 15 sends no signal to a process that is not
 * sleeping in WaitLatch), so the worker notices it when run returns: keep
 * wait_ms small (50-250 ms).  A signal delivered to the worker (SIGTERM,
 * SIGHUP, SIGUSR1) makes poll() fail with EINTR, which ends curl's poll at
 * once; the interrupt callback (e.g. returning MyLatch->is_set ||
 * InterruptPending) is consulted after every poll, so run returns promptly.
 * Another thread can end a run early with llm_engine_wakeup.
 *
 * SAFETY
 *  - Only http:// and https:// URLs are accepted (checked at submit, and
 *    again by curl through CURLOPT_PROTOCOLS_STR); redirects are never
 *    followed (a 3xx is a client failure).
 *  - The API key goes only into the "Authorization: Bearer" header.  It is
 *    never copied into a message; every message is additionally scrubbed of
 *    any fragment (>= 6 bytes) of the key and of the URL's query string (a
 *    WeCom robot key lives there), and the URL itself is never quoted.  The
 *    engine's copies of the key are wiped (explicit_bzero) when a transfer
 *    ends.
 *  - Bounded: request size, response size (the write callback aborts the
 *    transfer past max_response_bytes), connect and total timeouts, optional
 *    low-speed abort, message length.
 *
 * Not thread safe except llm_engine_wakeup: one engine belongs to one thread.
 */
#ifndef COMMHUB_LLM_HTTP_H
#define COMMHUB_LLM_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Hard limits (a request asking for more is clamped or refused). */
#define LLM_MAX_INFLIGHT			1024
#define LLM_MAX_URL_BYTES			2048
#define LLM_MAX_KEY_BYTES			1024
#define LLM_MAX_MODEL_BYTES			256
#define LLM_MAX_REQUEST_BYTES		(8u * 1024 * 1024)	/* body we send */
#define LLM_MAX_RESPONSE_CAP		(64u * 1024 * 1024)
#define LLM_MAX_TIMEOUT_MS			(3600 * 1000)

/* Defaults applied when a request field is 0. */
#define LLM_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define LLM_DEFAULT_TOTAL_TIMEOUT_MS	120000
#define LLM_DEFAULT_RESPONSE_CAP		(1024u * 1024)

#define LLM_MESSAGE_BYTES			256

typedef enum llm_kind
{
	LLM_KIND_CHAT = 0,			/* POST {base_url}/chat/completions */
	LLM_KIND_WEBHOOK = 1		/* POST raw JSON body to url as given */
} llm_kind;

/*
 * Outcome classes.  RETRY_* are transient: retry with backoff.  FAIL_CLIENT
 * is permanent (bad key, bad model, bad request): do not retry.
 * FAIL_RESPONSE (HTTP fine, answer unusable) and FAIL_SHAPE (answer parsed but
 * invalid for the agent; set by the caller after validation) are retried or
 * not as the endpoint is configured.  CANCELLED: llm_engine_abort_all ended
 * the transfer before it finished (the job is not done; requeue it).
 */
typedef enum llm_error_class
{
	LLM_OK = 0,
	LLM_RETRY_RATE_LIMIT,		/* 429 (retry_after_ms set when the server says) */
	LLM_RETRY_SERVER,			/* 5xx, connection dropped mid-response */
	LLM_RETRY_TIMEOUT,			/* total timeout, low-speed abort, 408 */
	LLM_RETRY_CONNECT,			/* refused, DNS, connect timeout, TLS */
	LLM_FAIL_CLIENT,			/* other 4xx, 3xx, webhook errcode != 0 */
	LLM_FAIL_RESPONSE,			/* body/content not JSON, no choices, over cap */
	LLM_FAIL_SHAPE,				/* set by the caller after validation */
	LLM_CANCELLED,				/* llm_engine_abort_all */
	LLM_FAIL_INTERNAL			/* out of memory, unexpected curl error */
} llm_error_class;

/*
 * One request.  Strings are copied at submit; the caller may free them as
 * soon as llm_engine_submit returns.  Start from llm_request_init(), which
 * sets the "server default" values noted below (a zeroed struct means
 * temperature 0).
 */
typedef struct llm_request
{
	llm_kind	kind;
	const char *url;			/* CHAT: base URL, e.g. https://api.deepseek.com/v1
								 * ("/chat/completions" is appended, one slash);
								 * WEBHOOK: the full URL */
	const char *api_key;		/* NULL/"" = no Authorization header */

	/* LLM_KIND_CHAT */
	const char *model;
	const char *system_prompt;	/* NULL = no system message */
	const char *user_prompt;
	bool		json_mode;		/* send response_format {"type":"json_object"};
								 * implies expect_json.  DeepSeek requires the
								 * word "json" in the prompt for this mode. */
	bool		expect_json;	/* content must be a JSON object (```json fences
								 * and prose around one object are tolerated) */
	double		temperature;	/* < 0: omit (server default) */
	int			max_tokens;		/* <= 0: omit */
	const char *extra_body_json;	/* NULL or a JSON object merged into the
									 * request body (e.g. {"enable_thinking":
									 * false} for Qwen3); its keys win */

	/* LLM_KIND_WEBHOOK */
	const char *body_json;		/* must be valid JSON */

	/* NULL = none; else sent as "Idempotency-Key: <key>" (1-64 bytes of
	 * A-Z a-z 0-9 . _ : -).  The same key on every attempt lets a receiver
	 * drop the repeat that at-least-once delivery can bring (a worker that
	 * dies after sending and before recording the success). */
	const char *idempotency_key;

	/* limits (0 = default) */
	long		connect_timeout_ms;
	long		total_timeout_ms;
	long		low_speed_bytes;	/* abort if slower than this many bytes/s ... */
	long		low_speed_secs;		/* ... for this many seconds; 0 = off.
									 * curl measures speed over a ~5 s window
									 * (upload included), so the abort comes
									 * after max(secs, ~5 s).  A non-streaming
									 * completion sends nothing until it is
									 * done: keep this off or long */
	size_t		max_response_bytes;
} llm_request;

/*
 * One finished transfer, valid only during the callback: pointers point into
 * engine-owned memory freed when the callback returns.  json_incref(parsed)
 * or copy what you keep.
 */
typedef struct llm_result
{
	llm_kind	kind;
	llm_error_class err;
	int			http_status;	/* 0 when no response arrived */
	int			curl_code;		/* CURLcode */
	long		retry_after_ms; /* from Retry-After (seconds or HTTP-date); -1 none */
	long		latency_ms;		/* curl total time */
	long		prompt_tokens;	/* from "usage"; -1 when absent */
	long		completion_tokens;
	long		total_tokens;
	size_t		response_bytes; /* body bytes received (capped) */
	const char *content;		/* CHAT: choices[0].message.content; WEBHOOK:
								 * the response body; NULL if none */
	size_t		content_len;
	json_t	   *parsed;			/* CHAT: content as JSON (fences stripped), NULL
								 * if not JSON; WEBHOOK: response body JSON */
	const char *finish_reason;	/* CHAT, NULL if absent */
	const char *model;			/* model named in the response, NULL if absent */
	long		webhook_errcode;	/* WEBHOOK: errcode from the body, 0 if absent */
	char		message[LLM_MESSAGE_BYTES];	/* "ok" or what went wrong; never
											 * contains the key or URL */
} llm_result;

typedef void (*llm_done_cb) (void *user, const llm_result *res);
typedef bool (*llm_interrupt_cb) (void *arg);

typedef struct llm_engine llm_engine;

/* Return values of llm_engine_submit. */
#define LLM_SUBMIT_OK		0
#define LLM_SUBMIT_FULL		(-1)	/* max_inflight transfers already running */
#define LLM_SUBMIT_INVALID	(-2)	/* refused: see llm_engine_last_error */
#define LLM_SUBMIT_NOMEM	(-3)	/* or a curl setup failure */

/* curl_global_init (reference counted); llm_engine_new calls it too.  Call
 * once early (e.g. from _PG_init or main) before starting threads. */
bool		llm_global_init(void);
void		llm_global_cleanup(void);

void		llm_request_init(llm_request *req);

/* max_inflight is clamped to 1..LLM_MAX_INFLIGHT.  NULL on failure. */
llm_engine *llm_engine_new(int max_inflight);

/* Change the number of transfers run at once (clamped as above), e.g. on a
 * configuration reload.  Lowering it ends no transfer: free slots stay at 0
 * (llm_engine_free_slots never goes below 0) until enough have finished. */
void		llm_engine_set_max_inflight(llm_engine *eng, int max_inflight);

/*
 * Start one transfer; user is handed back to the callback.  Validates and
 * copies everything before any network activity: a refused request (bad
 * scheme, CR/LF in the key, missing model, oversize prompt, ...) never
 * starts a transfer and never calls the callback.
 */
int			llm_engine_submit(llm_engine *eng, const llm_request *req, void *user);

/* Secret-free reason for the last LLM_SUBMIT_INVALID/NOMEM/FULL or run error. */
const char *llm_engine_last_error(const llm_engine *eng);

/*
 * Drive transfers for at most wait_ms (0 = one non-blocking pass), calling
 * cb for each transfer the moment it finishes.  cb may call
 * llm_engine_submit (the new transfer starts in the same run) and
 * llm_engine_wakeup (run returns after the current pass).  Returns at once
 * when nothing is in flight, when the interrupt callback returns true, or
 * after llm_engine_wakeup.  Returns the number of callbacks made, -1 on a
 * curl multi error (llm_engine_last_error).  Not reentrant: cb must not
 * call llm_engine_run, llm_engine_abort_all or llm_engine_free.
 */
int			llm_engine_run(llm_engine *eng, int wait_ms, llm_done_cb cb);

/* Thread safe: make a running (or the next) llm_engine_run return early. */
void		llm_engine_wakeup(llm_engine *eng);

/* Consulted after every poll; true makes llm_engine_run return. */
void		llm_engine_set_interrupt(llm_engine *eng, llm_interrupt_cb fn, void *arg);

int			llm_engine_inflight(const llm_engine *eng);
int			llm_engine_free_slots(const llm_engine *eng);

/* End every transfer now, calling cb (if not NULL) with LLM_CANCELLED for
 * each.  Returns how many were cancelled. */
int			llm_engine_abort_all(llm_engine *eng, llm_done_cb cb);

/* Abort what is in flight without callbacks and free everything. */
void		llm_engine_free(llm_engine *eng);

/* ---- helpers, exposed for the worker and for unit tests ---- */

const char *llm_class_name(llm_error_class c);	/* "ok", "rate_limit", ... */

/* Whether a job failing with class c should be retried;
 * retry_bad_answers covers LLM_FAIL_RESPONSE and LLM_FAIL_SHAPE. */
bool		llm_class_retryable(llm_error_class c, bool retry_bad_answers);

/*
 * Backoff before retry number attempt (1 = first retry): full jitter,
 * rand % (min(max_ms, base_ms * 2^(attempt-1)) + 1), then at least
 * retry_after_ms (when >= 0) even above max_ms.  rand is any uniform
 * 32-bit random value (pass it in so the result is testable).
 */
long		llm_backoff_ms(int attempt, long base_ms, long max_ms,
						   long retry_after_ms, uint32_t rand);

/* Retry-After value (delta-seconds or IMF-fixdate/RFC 850/asctime HTTP-date)
 * in ms relative to now; -1 if unparsable; clamped to 0..86400000. */
long		llm_parse_retry_after(const char *value, time_t now);

/*
 * Parse model content as one JSON object: trims whitespace, skips a leading
 * closed <think>...</think> block (a reasoning model's thinking), strips a
 * ```json ... ``` (or ``` ... ```) fence, and failing a direct parse takes
 * the span from the first '{' to the last '}'.  Returns a new reference or
 * NULL with a reason in err.  Bounded by len.
 */
json_t	   *llm_parse_content_json(const char *content, size_t len,
								   char *err, size_t errlen);

/*
 * A reasoning model served without a reasoning parser (DeepSeek-R1, Qwen3 on
 * vLLM or Ollama) puts its thinking first: "<think>...</think>" then the
 * answer.  Returns how many bytes of content to skip to reach the answer
 * (a BOM, whitespace, one closed <think> block and the whitespace after
 * it), 0 when it does not start with a closed block.
 */
size_t		llm_skip_reasoning(const char *content, size_t len);

/* base_url + "/chat/completions" with exactly one slash between them.
 * Returns false if it does not fit in outlen. */
bool		llm_chat_url(const char *base_url, char *out, size_t outlen);

/* true if url starts with http:// or https:// (case-insensitive) and holds
 * no control characters or spaces. */
bool		llm_url_allowed(const char *url);

#endif							/* COMMHUB_LLM_HTTP_H */
