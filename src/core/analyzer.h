/*
 * analyzer.h -- the embedded A10 communication analyzer (SPEC N1), server
 * independent.  One pass of an Aho-Corasick automaton over the UTF-8 bytes
 * finds every lexicon hit (intent cues, sentiment words, negations and
 * hedges, urgency cues, products, competitors, units, date words); small
 * scanners around the hits read numbers (full-width digits, Chinese
 * numerals, 3.5万, 1.2w, ¥15,800/吨, 15.8元/kg) and dates (7月中旬, 下周三,
 * 月底, 2024-07-15) resolved against the communication time.  No regex
 * loop per keyword.  Deterministic: the same input gives the same output.
 *
 * OUTPUT (jansson object) -- the seed's A10 shape plus numeric extras:
 * {
 *   "intent": {"category": inquiry|complaint|technical|cooperation|order|payment|
 *                          delivery|after_sales|other,
 *              "detail": "询价PCR-ABS-1000" (<= 128 chars), "confidence": 0.00-1.00},
 *   "key_info": {"products": ["PCR-ABS-1000", ...canonical names],
 *                "price": "¥15,800/吨" (as written) | null,
 *                "price_value": 15800.0 | null, "price_unit": "元/吨" | null,
 *                "quantity": "50吨/月" | null, "quantity_value": 50 | null,
 *                "quantity_unit": "吨" | null,
 *                "timeline": "7月中旬试样" | null,
 *                "timeline_dates": ["2024-07-15"],   (resolved, ISO dates)
 *                "competitors": ["金发科技", ...canonical names]},
 *   "sentiment": {"overall": positive|neutral|negative, "score": 0.00-1.00, "mood": "..."},
 *   "urgency": {"level": high|medium|low, "reason": "..." (<= 128 chars)},
 *   "follow_up": ["准备PCR-ABS-1000样品", ...],
 *   "quality_score": 1-10,
 *   "suggestions": ["建议24小时内回复样品安排", ...],
 *   "summary": "one display line, <= 60 code points",
 *   "tags": ["询价", "PCR-ABS-1000", "竞品:金发科技", ...],
 *   "language": "zh" | "en" | "mixed"
 * }
 * sentiment.score: 1 = very positive, 0.5 = neutral, 0 = very negative.
 * price_value is in the stated currency unit with 万/w/k multiplied out
 * (3.5万 -> 35000); price_unit is "<currency>/<unit>" with currency 元 for
 * ¥/￥/RMB/元/块 and USD for $/US$/USD, unit normalized like quantity_unit
 * (吨 公斤 克 件 个 套 台 箱 包 卷 米 平方米 升) or just the currency.
 * quantity_unit uses the same normalized units (t/ton/tons -> 吨,
 * kg/KG/千克 -> 公斤).
 */
#ifndef COMMHUB_ANALYZER_H
#define COMMHUB_ANALYZER_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct az_lexicon az_lexicon;

/* A lexicon holds the built-in cue words plus user catalogue entries
 * (products, competitors) loaded from tables; build once, use many times
 * (read-only after az_lexicon_build, safe to share). */
az_lexicon *az_lexicon_new(void);
/* canonical: display/canonical name; alias: a surface form to match
 * (case-insensitive for ASCII, full-width folded).  The canonical name is
 * always matched too.  category is optional (e.g. "ABS", "PC"). */
void		az_lexicon_add_product(az_lexicon *lex, const char *canonical,
								   const char *alias, const char *category);
void		az_lexicon_add_competitor(az_lexicon *lex, const char *canonical,
									  const char *alias);
/* Compile the automaton; returns 0 on success. */
int			az_lexicon_build(az_lexicon *lex);
void		az_lexicon_free(az_lexicon *lex);
/* A built lexicon with the built-in cue words and the compiled-in default
 * catalogue (the products and competitors of test/corpus/catalogue.json,
 * the same rows the SQL tables are seeded from).  Caller frees. */
az_lexicon *az_lexicon_default(void);
/* Add the compiled-in default catalogue to a lexicon being filled (before
 * az_lexicon_build), e.g. when the SQL catalogue tables are empty. */
void		az_lexicon_add_default_catalogue(az_lexicon *lex);

/* Analyze one communication.  comm_time_us: the communication time
 * (microseconds since epoch) used to resolve relative dates, in
 * Asia/Shanghai; 0 = no resolution.  channel/subject may be NULL.
 * Never returns NULL except on allocation failure; bounded by len. */
json_t	   *az_analyze(const az_lexicon *lex, const char *content, size_t len,
					   const char *channel, const char *subject,
					   int64_t comm_time_us);

/* The same analysis as a plain tree of values allocated with it, for a
 * caller that writes it out itself (the server's jsonb writer) without a
 * jansson object in between.  Members and elements are in the order
 * az_analyze's jansson object has them; a string is valid UTF-8 and NUL
 * terminated (len bytes before the NUL).  az_analyze is
 * az_val_to_json(az_result_root(az_analyze_result(...))).  NULL only on
 * allocation failure; free with az_result_free. */
typedef enum az_vtype
{
	AZV_NULL,
	AZV_STRING,
	AZV_INTEGER,
	AZV_REAL,
	AZV_OBJECT,
	AZV_ARRAY
} az_vtype;

typedef struct az_val az_val;
struct az_val
{
	az_vtype	type;
	uint32_t	klen;			/* the key's length, in an object */
	const char *key;			/* the key (ASCII), in an object */
	az_val	   *next;			/* the next member or element */
	size_t		len;			/* string bytes; members or elements */
	union
	{
		const char *s;
		long long	i;
		double		d;
		struct
		{
			az_val	   *first,
					   *last;
		}			c;
	}			u;
};

typedef struct az_result az_result;

az_result  *az_analyze_result(const az_lexicon *lex, const char *content, size_t len,
							  const char *channel, const char *subject,
							  int64_t comm_time_us);
const az_val *az_result_root(const az_result *r);
json_t	   *az_val_to_json(const az_val *v);
void		az_result_free(az_result *r);

#endif
