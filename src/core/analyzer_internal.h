/*
 * analyzer_internal.h -- private interfaces between the pieces of the
 * embedded A10 analyzer (see analyzer.h for the public contract).
 *
 *   analyzer_ac.c       UTF-8 folding into a scratch buffer with an offset
 *                       map, Aho-Corasick automaton build and scan
 *   analyzer_lexicon.c  built-in cue tables, default catalogue, lexicon
 *                       life cycle (new / add / build / free / default)
 *   analyzer_numbers.c  number tokens (Arabic, full-width, Chinese
 *                       numerals, multipliers), prices and quantities
 *   analyzer_dates.c    date mentions resolved against the communication
 *                       time in Asia/Shanghai
 *   analyzer.c          hit resolution, scoring and the JSON output
 *
 * All offsets are byte offsets into the folded text (az_ctx.t).  Nothing
 * here allocates per character; the per-call scratch lives in az_ctx.
 */
#ifndef COMMHUB_ANALYZER_INTERNAL_H
#define COMMHUB_ANALYZER_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

/* Bytes of subject + content analysed; the rest is ignored (documented
 * bound, keeps uint32 offsets and the scratch size sane). */
#define AZ_MAX_INPUT	((size_t) 4 << 20)
/* Lexicon hits kept per call; later hits are dropped. */
#define AZ_MAX_HITS		65536
/* Number tokens kept per call. */
#define AZ_MAX_NUMS		8192
/* Date mentions kept per call. */
#define AZ_MAX_DATES	64

/* Intent categories, in the seed's order. */
enum
{
	AZI_INQUIRY = 0,
	AZI_COMPLAINT,
	AZI_TECHNICAL,
	AZI_COOPERATION,
	AZI_ORDER,
	AZI_PAYMENT,
	AZI_DELIVERY,
	AZI_AFTER_SALES,
	AZI_OTHER,
	AZI_N
};

/* What a lexicon entry means.  One surface string may carry several
 * features (投诉: complaint intent + negative sentiment + follow-up). */
enum az_kind
{
	AZK_INTENT = 1,				/* arg = AZI_*, w = vote x10 */
	AZK_SENT,					/* w = polarity x10 (signed) */
	AZK_NEG,					/* negation; w = strength x10 (10 full, 5 damped) */
	AZK_NOTA,					/* "不是/并非/not a": damps the next intent cue */
	AZK_HEDGE,					/* 可能/也许/maybe */
	AZK_INTENS,					/* intensifier; w = multiplier x10 */
	AZK_CONTRAST,				/* 但是/不过/but */
	AZK_URG,					/* arg = AZU_*, w = strength x10 */
	AZK_DATE,					/* arg = AZD_* date word code */
	AZK_PRODUCT,				/* arg = product index */
	AZK_COMPETITOR,				/* arg = competitor index */
	AZK_FOLLOW,					/* arg = AZF_* follow-up code */
	AZK_REQUEST,				/* 请/麻烦/please: explicit request opener */
	AZK_PRICEWORD,				/* 价格/单价/price: a bare number after it is a price */
	AZK_PAST,					/* 已/已经/already: the clause is done, not a deadline */
	AZK_PERIOD,					/* 月需求/每月/monthly: quantity is per month; arg = period */
	AZK_QUESTION,				/* 吗/多少/是否/?: the clause asks */
	AZK_NEED,					/* 需要/希望/必须/before: a date nearby is a deadline */
	AZK_HAGGLE,					/* 价格/贵/涨价: price talk (haggling is an inquiry) */
	AZK_THREAT,					/* 换供应商/起诉/客户拒收: makes a complaint serious */
	AZK_SELF,					/* 我们/我司: the writer's own action, not a deadline */
	AZK_BLOCK,					/* neutral word that shadows shorter cues */
	AZK_DISCLAIM,				/* 不是投诉/not a complaint: feedback, not a complaint */
	AZK_RESOLVED,				/* 已解决/整改有效/close the case: a settled matter */
	AZK_HORIZON,				/* next year/长期规划: no time pressure unless something is asked */
	AZK_CAUSEQ,					/* 是不是我们…/还是设计问题/有没有遇到过: asks for a cause, not blame */
	AZK_DUN,					/* 逾期/催收/unpaid: collection, not a neutral billing fact */
	AZK_SWITCH,					/* 转给/改用/switch to + competitor: moving business away */
	AZK_COND,					/* 不然/否则/otherwise: what follows is a consequence, not a fact */
	AZK_RESCHED,				/* 原订/改到/推迟到/reschedule: a date moved (of an order: an order change) */
	AZK_APOLOGY,				/* 抱歉/不好意思/sorry for: the writer apologises for trouble of its own */
	AZK_WON,					/* 当场签订/项目定点/老板批了: business won, an order placed gladly */
	AZK_CHECKOK,				/* 没问题/无误: a check passed (routine in a billing matter) */
	AZK_ANSWERED,				/* 已告知/已答复/已婉拒: a call note's question answered on the call */
	AZK_RETURN,					/* 退货/换货/补发/查出原因: an after-sales process under way */
	AZK_SENTDOC,				/* 合同签好了/扫描件发你了/原件寄出: a document sent, nothing asked */
	AZK_MISTAKE,				/* 写错/算错/不一样: a mistake of ours, not a price level haggled */
	AZK_THANKS,					/* 谢谢/非常感谢/many thanks: courtesy, not a mood of its own */
	AZK_REPEAT,					/* 第二次了/每次都/third time: a fault repeated, a grievance */
	AZK_IF,						/* 如果/只要/if: praise in the clause is a condition, not a mood */
	AZK_MOODONLY,				/* a word of mood, not of topic: weighs the sentiment, not the intent */
	AZK_NOREPLY,				/* 没人接/也不回: nobody answers (the customer, in our own call note) */
	AZK_JOINT,					/* 联合开发/代工/来料加工: developing or processing together */
	AZK_SARCASM,				/* 挺有创意/蜗牛都比你们快/服了: sarcastic praise, a reproach */
	AZK_SETTLED,				/* 价格按老的/同样价格/按上次: the price is a settled term, not asked */
	AZK_COOPGEN,				/* 合作/合作伙伴/伙伴: a generic word of partnership (also a formula) */
	AZK_OCCASION,				/* 大会/研讨会/开业/奖牌/生意兴隆: an event, an invitation or wishes */
	AZK_ACCEPT,					/* 不过能用/在公差范围内/基本一致: material in use found acceptable */
	AZK_BROADCAST,				/* 各位客户/各供应商/Dear partners: a notice to everyone, opening the text */
	AZK_SELFINTRO				/* 我们是/我是/自称/we are a: the clause says who the writer is */
};

enum
{
	AZU_LOW = 0,
	AZU_MEDIUM,
	AZU_HIGH
};

enum
{
	AZF_SAMPLE = 1,
	AZF_QUOTE,
	AZF_TECH,
	AZF_COMPLAINT,
	AZF_VISIT,
	AZF_CONTRACT,
	AZF_INVOICE,
	AZF_MEETING,
	AZF_N
};

/* Date word codes (analyzer_dates.c interprets them). */
enum
{
	AZD_TODAY = 1,
	AZD_TOMORROW,
	AZD_AFTER_TOMORROW,
	AZD_3DAYS,					/* 大后天 */
	AZD_YESTERDAY,
	AZD_BEFORE_YESTERDAY,
	AZD_THIS_WEEK,				/* 本周/这周/this week (+ optional weekday) */
	AZD_NEXT_WEEK,				/* 下周/下星期/next week (+ optional weekday) */
	AZD_NEXT_NEXT_WEEK,			/* 下下周 */
	AZD_LAST_WEEK,				/* 上周 */
	AZD_WEEKDAY_PREFIX,			/* 周/星期/礼拜 + weekday char */
	AZD_THIS_MONTH,				/* 本月/这个月 */
	AZD_NEXT_MONTH,				/* 下个月/下月 */
	AZD_LAST_MONTH,
	AZD_MONTH_START,			/* 月初 */
	AZD_MONTH_MID,				/* 月中 */
	AZD_MONTH_END,				/* 月底/月末 */
	AZD_XUN_EARLY,				/* 上旬 */
	AZD_XUN_MID,				/* 中旬 */
	AZD_XUN_LATE,				/* 下旬 */
	AZD_YEAR_END,				/* 年底/年末 */
	AZD_NEXT_YEAR,				/* 明年 */
	AZD_THIS_YEAR,				/* 今年 */
	AZD_Q1, AZD_Q2, AZD_Q3, AZD_Q4,	/* Q1..Q4 / 一季度 ... */
	AZD_NEXT_QUARTER,
	AZD_EN_WEEKDAY,				/* arg2 in w: 0=Monday..6 */
	AZD_EN_MONTH,				/* w = month 1..12 */
	AZD_EN_NEXT,				/* "next" (next monday) */
	AZD_EN_THIS,				/* "this" (this friday) */
	AZD_EN_END_OF_MONTH,
	AZD_EN_END_OF_YEAR,
	AZD_EN_END_OF_WEEK,
	AZD_EN_EARLY,				/* early <month> */
	AZD_EN_MID,					/* mid <month> */
	AZD_EN_LATE,				/* late <month> */
	AZD_TONIGHT
};

typedef struct az_feat
{
	uint16_t	kind;
	int16_t		w;
	int32_t		arg;
} az_feat;

typedef struct az_pat
{
	uint32_t	feat_off;
	uint16_t	nfeat;
	uint16_t	len;
	uint8_t		lbound;			/* needs a non-alnum before (starts with ASCII alnum) */
	uint8_t		rbound;			/* needs a non-alnum after (ends with ASCII alnum) */
} az_pat;

/* An entry before build: folded, lower-cased surface + one feature. */
typedef struct az_entry
{
	char	   *s;
	az_feat		f;
	uint8_t		prefix;			/* trailing '*' in the table: no right boundary */
} az_entry;

struct az_lexicon
{
	az_entry   *ent;
	size_t		nent,
				cap;
	char	  **prod;			/* canonical product names */
	char	  **prod_cat;
	size_t		nprod,
				capprod;
	char	  **comp;			/* canonical competitor names */
	size_t		ncomp,
				capcomp;
	/* compiled automaton */
	uint32_t   *delta;			/* nnodes x nclass, complete DFA (> 65536 nodes) */
	uint16_t   *delta16;		/* the same in 16 bits (<= 65536 nodes) */
	size_t		delta_mapped;	/* bytes mmap()ed for delta/delta16, 0 if malloc'ed */
	uint32_t	out_first;		/* nodes >= out_first have output (a pattern
								 * ends there or on their suffix chain) */
	uint32_t	row_shift;		/* rows of delta/delta16 are 1 << row_shift wide */
	uint32_t	max_depth;		/* longest surface, bytes (saturated) */
	int32_t    *node_pat;		/* pattern ending at node, -1 if none */
	uint32_t   *dict;			/* next node with output on the suffix chain */
	uint32_t	nnodes;
	uint32_t	nclass;
	uint8_t		cls[256];
	az_pat	   *pat;
	uint64_t   *pat_kinds;		/* per pattern: bit k set when it has a feature of kind k < 64 */
	uint32_t	npat;
	az_feat    *feat;
	uint32_t	nfeat;
	bool		built;
	bool		oom;
	/* the intent model's table (az_model_build, from analyzer_model_data.c):
	 * open addressing on the feature hash, key 0 = empty slot */
	struct az_model_slot *model;
	uint32_t	model_mask;
};

typedef struct az_hit
{
	uint32_t	s,
				e;				/* [s, e) in folded text */
	uint32_t	pat;
} az_hit;

/* Number token.  Flags say how it was written. */
enum
{
	AZN_CHINESE = 1,			/* written with Chinese numerals */
	AZN_DECIMAL = 2,
	AZN_MULT = 4,				/* a 万/w/k/千 multiplier was applied */
	AZN_USED = 8,				/* consumed by a date */
	AZN_PCT = 16				/* followed by % */
};

typedef struct az_num
{
	uint32_t	s,
				e;				/* the digits (and multiplier) */
	double		v;
	uint32_t	ndigits;		/* Arabic digits before the point */
	uint32_t	flags;
} az_num;

typedef struct az_date
{
	uint32_t	s,
				e;
	int32_t		day;			/* local civil day number (days since 1970-01-01) */
	int32_t		rel;			/* days from the communication day */
	bool		resolved;		/* day is absolute */
	bool		rel_known;		/* rel valid (also without comm time) */
	uint8_t		gran;			/* 0 day, 1 ten-day, 2 month, 3 quarter, 4 year */
} az_date;

typedef struct az_money
{
	bool		found;
	uint32_t	s,
				e;				/* as written span */
	double		v;
	char		unit[32];		/* "元/吨", "USD/公斤", "元" */
} az_money;

typedef struct az_qty
{
	bool		found;
	uint32_t	s,
				e;
	double		v;
	char		unit[16];
	char		period[8];		/* "月" / "年" / "周" / "天" or "" */
	bool		period_in_span;	/* the period is written after the number */
} az_qty;

typedef struct az_ctx
{
	const az_lexicon *lex;
	/* folded text (valid UTF-8, NUL terminated) and its origin */
	char	   *t;
	size_t		n;
	uint32_t   *map;			/* folded byte -> offset in the virtual original */
	const char *subj;
	size_t		subj_len;
	const char *content;
	size_t		content_len;
	size_t		content_start;	/* folded offset where content begins */
	bool		orig_valid;		/* original was valid UTF-8 without controls */
	bool		reply_subject;	/* "Re:"/"回复:": the subject is inherited, not stated */
	bool		fwd_subject;	/* "Fw:"/"转发:": a forwarded message */
	bool		own_note;		/* a salesperson's own call note (channel mobile):
								 * who did not answer is the customer */
	/* quoted earlier messages: from quote_start on ("> ...", "-----原始邮件-----",
	 * "在 … 写道:", "From: …"), UINT32_MAX when none; quote_fwd when they
	 * were forwarded (the forwarded message is the matter) rather than
	 * quoted under a reply (the new words are the matter) */
	uint32_t	quote_start;
	bool		quote_fwd;
	/* hits after overlap resolution, sorted by start */
	az_hit	   *hits;
	size_t		nhits;
	/* per byte flags: 1 = inside a product/code span, 2 = inside a date */
	uint8_t    *mark;
	az_num	   *nums;
	size_t		nnums,
				nums_cap;
	az_date		dates[AZ_MAX_DATES];
	size_t		ndates;
	bool		has_time;
	int32_t		today;			/* local civil day of the communication */
	az_money	price;
	az_qty		qty;
} az_ctx;

/* ---- analyzer_ac.c ---------------------------------------------- */
/* Fold src[0..len) and append to ctx->t (capacity reserved by caller);
 * base is the virtual original offset of src[0].  Returns false if the
 * input had invalid UTF-8 or control bytes (they were replaced). */
bool		az_fold_append(az_ctx *ctx, const char *src, size_t len, uint32_t base);
/* Fold a pattern into a malloc'd lower-cased string (NULL on OOM). */
char	   *az_fold_pattern(const char *s);
int			az_automaton_build(az_lexicon *lex);
void		az_automaton_free(az_lexicon *lex);
/* Scan ctx->t; appends raw hits to *out (realloc'd).  Returns count or
 * -1 on allocation failure. */
long		az_automaton_scan(const az_lexicon *lex, const char *t, size_t n,
							  az_hit **out);

/* ---- analyzer_model.c ------------------------------------------- */
/* one slot of the model's table: a feature key and its class weights,
 * 16 bytes (a hit reads one aligned vector) */
typedef struct az_model_slot
{
	_Alignas(16) uint32_t key;
	int8_t		w[AZI_N];
	uint8_t		pad[3];
} az_model_slot;

/* Hashed features of a folded text (see analyzer_model.c); writes at most
 * cap hashes to out and returns their count. */
size_t		az_model_features(const char *t, size_t n, const char *channel,
							  uint32_t *out, size_t cap);
/* Intent class scores of the learned model (log-odds units); returns the
 * number of the text's features known to the model (0: none). */
int			az_model_scores(const az_lexicon *lex, const char *t, size_t n,
								const char *channel, double *score);
/* Unpack the generated model into lex (az_lexicon_build); 0 on success. */
int			az_model_build(az_lexicon *lex);
void		az_model_free(az_lexicon *lex);
/* The reported intent: the rule engine's decision, or the combination of
 * its votes with the model's scores (written to model[]; *known false when
 * the model was not used); may set *confidence. */
int			az_model_intent(const az_lexicon *lex, const char *t, size_t n,
							const char *channel, const double *votes, int rule_cat,
							double *confidence, double *model, bool *known);
/* generated (analyzer_model_data.c) */
extern const int32_t az_model_bias[AZI_N];
extern const int32_t AZ_MODEL_SCALE_V;
#define AZ_MODEL_SCALE AZ_MODEL_SCALE_V

/* What az_analyze_trace reports besides the JSON: the rule engine's
 * final intent votes and decision, the model's scores, the output. */
typedef struct az_trace
{
	double		votes[AZI_N];
	int			rule_cat;
	double		model[AZI_N];
	bool		model_known;
	int			final_cat;
	/* the folded text, when text_cap > 0 (copied, NUL terminated) */
	char	   *text;
	size_t		text_cap;
	size_t		text_len;
} az_trace;
json_t	   *az_analyze_trace(const az_lexicon *lex, const char *content, size_t len,
							 const char *channel, const char *subject,
							 int64_t comm_time_us, az_trace *tr);

/* ---- analyzer_t2s.c ---------------------------------------------- */
/* Simplified form of a Traditional Chinese character (cp itself if none). */
uint32_t	az_t2s(uint32_t cp);
/* bit (cp - 0x4E00) is set when cp (U+4E00..U+9FFF) has a Simplified form */
extern const uint64_t az_t2s_bits[328];
/* Does cp have a Simplified form (az_t2s(cp) != cp)?  Inline: the folding
 * asks it for every CJK character. */
static inline bool
az_t2s_has(uint32_t cp)
{
	uint32_t	i = cp - 0x4E00;

	return cp >= 0x4E00 && cp <= 0x9FFF && (az_t2s_bits[i >> 6] >> (i & 63) & 1);
}

/* ---- analyzer_lexicon.c ----------------------------------------- */
int			az_lexicon_add_entry(az_lexicon *lex, const char *surface,
								 uint16_t kind, int32_t arg, int16_t w);
void		az_lexicon_add_builtin(az_lexicon *lex);

/* ---- analyzer_numbers.c ----------------------------------------- */
void		az_scan_numbers(az_ctx *ctx);
void		az_find_money_qty(az_ctx *ctx);
/* Normalize a unit spelled at t[p..]; returns bytes consumed (0 if none)
 * and writes the normalized name.  Shared with the date scanner. */
size_t		az_match_unit(const char *t, size_t n, size_t p, const char **norm);

/* ---- analyzer_dates.c ------------------------------------------- */
void		az_find_dates(az_ctx *ctx);
int32_t		az_days_from_civil(int y, int m, int d);
void		az_civil_from_days(int32_t z, int *y, int *m, int *d);

/* ---- helpers shared by the pieces (analyzer.c) ------------------- */
/* Length in bytes of the UTF-8 char starting at t[p] (1 for ASCII). */
static inline size_t
az_u8len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

static inline bool
az_isalnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
az_isalpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
az_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Does t[p..n) start with the string lit (exact bytes, ASCII
 * case-insensitive)?  Inline: it is called for nearly every character
 * with a literal, and the first byte usually settles it. */
static inline bool
az_at(const char *t, size_t n, size_t p, const char *lit)
{
	size_t		i;

	for (i = 0; lit[i]; i++)
	{
		unsigned char a,
					b;

		if (p + i >= n)
			return false;
		a = (unsigned char) t[p + i];
		b = (unsigned char) lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char) (a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}
/* Index of the hit whose start is >= p (binary search). */
size_t		az_hit_lower_bound(const az_ctx *ctx, uint32_t p);
/* Feature of kind k carried by a hit, or NULL. */
const az_feat *az_hit_feat(const az_ctx *ctx, const az_hit *h, uint16_t kind);
/* Is there a clause break (， 。 ; ! ? newline ...) in t[a..b)? */
bool		az_clause_break(const az_ctx *ctx, size_t a, size_t b);
/* Clause bounds around position p. */
void		az_clause_bounds(const az_ctx *ctx, size_t p, size_t *cs, size_t *ce);
/* Skip ASCII spaces forward/backward. */
size_t		az_skip_sp(const char *t, size_t n, size_t p);

#endif
