/*
 * analyzer_numbers.c -- numbers, prices and quantities.
 *
 * Pass 1 (az_scan_numbers) walks the folded text once and records number
 * tokens: Arabic digits (full-width ones were folded already) with
 * thousands separators and a decimal part, Chinese numerals (五十, 两百,
 * 一千二百, 三万, 一万五 = 15000, 三点五 = 3.5, 二〇二四 = 2024), and a
 * multiplier written right after (3.5万, 1.2w, 15k, 2千 but not 2千克).
 * Digits inside a product code (PA66-GF30, PP-T20) or glued to a word
 * (ISO9001, Q3) are not numbers.  A comma counts as a thousands separator
 * only when the customer typed an ASCII comma and the groups have three
 * digits, so "15800，100吨" stays two numbers.
 *
 * Pass 2 (az_find_money_qty), after the date scanner has taken the tokens
 * that are dates, classifies the rest by what surrounds them:
 *   currency before (¥ $ US$ RMB USD 人民币) or after (元 块 美元 USD) ->
 *     a price; a unit after it ("/吨" "每吨" "一吨" "per ton", or "元吨"
 *     glued) or just before it ("每吨15800元") gives the price unit;
 *   no currency, "/unit" right after (1.58万/吨) -> a price in 元;
 *   no currency, a unit right after (50吨, 5 tons) -> a quantity, unless it
 *     is "一吨多少钱" (a per-unit question, not an amount);
 *   a bare number shortly after a price word in the same clause
 *     (报价15800, 价格从16000降到15500) -> a price in 元.
 * A bare difference after a price word is not a price ("价格涨了500"), and
 * an amount followed by a change verb gives way to the next one ("由25吨调整为30吨",
 * "从16000降到15500").  Approximate Chinese ranges read as their lower
 * bound (两三吨 = 2, 二三十吨 = 20).
 * Ranges (50-60吨, 50到60吨, 50~60 tons) take the first value and the
 * unit after the second.  The first monetary amount in the text is the
 * price (a unit price, a total, a payment, a competitor's price); the
 * first quantity of goods is the quantity (samples and returned goods
 * count; durations, percentages, test conditions such as 220℃/10kg and
 * truck lengths do not).  A period word
 * before (月需求, 每月) or after (/月, per month) is kept for display:
 * "50吨/月".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyzer_internal.h"

size_t
az_skip_sp(const char *t, size_t n, size_t p)
{
	while (p < n && (t[p] == ' ' || t[p] == '\t'))
		p++;
	return p;
}

/* ---- Chinese numerals ---------------------------------------------- */

/* Bit (cp & 0xFF) is set for the low byte of every code point of the
 * switch in cn_char(). */
static const uint64_t cn_lowbyte[4] = {
	0x0001001000002289ULL, 0x400128002000104aULL, 0x8000000000501040ULL, 0x4240000088040002ULL
};

/* Returns 3 if t[p] is a Chinese numeral character; *digit 0..9 or -1,
 * *unit 10/100/1000/10000/100000000 or 0. */
static size_t cn_char_switch(uint32_t cp, int *digit, long *unit);

static inline __attribute__((always_inline)) size_t
cn_char(const char *t, size_t n, size_t p, int *digit, long *unit)
{
	const unsigned char *u = (const unsigned char *) t + p;
	uint32_t	low;

	if (p + 3 > n || (u[0] & 0xF0) != 0xE0)
		return 0;
	*digit = -1;
	*unit = 0;
	/* most characters are not numerals: the low byte of every code point
	 * of cn_char_switch has its bit here, so one test (inline, for every
	 * character) skips the search through the cases (a code point added
	 * there must be added here too) */
	low = ((uint32_t) (u[1] & 0x03) << 6) | (u[2] & 0x3F);
	if (!(cn_lowbyte[low >> 6] >> (low & 63) & 1))
		return 0;
	return cn_char_switch(((uint32_t) (u[0] & 0x0F) << 12) | ((uint32_t) (u[1] & 0x3F) << 6) | (u[2] & 0x3F),
						  digit, unit);
}

/* cn_char() past its bitmap test */
static size_t __attribute__((noinline))
cn_char_switch(uint32_t cp, int *digit, long *unit)
{
	switch (cp)
	{
		case 0x96F6:			/* 零 */
		case 0x3007:			/* 〇 */
			*digit = 0;
			break;
		case 0x4E00:			/* 一 */
			*digit = 1;
			break;
		case 0x4E8C:			/* 二 */
		case 0x4E24:			/* 两 */
			*digit = 2;
			break;
		case 0x4E09:			/* 三 */
			*digit = 3;
			break;
		case 0x56DB:			/* 四 */
			*digit = 4;
			break;
		case 0x4E94:			/* 五 */
			*digit = 5;
			break;
		case 0x516D:			/* 六 */
			*digit = 6;
			break;
		case 0x4E03:			/* 七 */
			*digit = 7;
			break;
		case 0x516B:			/* 八 */
			*digit = 8;
			break;
		case 0x4E5D:			/* 九 */
			*digit = 9;
			break;
		case 0x5341:			/* 十 */
			*unit = 10;
			break;
		case 0x767E:			/* 百 */
			*unit = 100;
			break;
		case 0x5343:			/* 千 */
			*unit = 1000;
			break;
		case 0x4E07:			/* 万 */
			*unit = 10000;
			break;
		case 0x4EBF:			/* 亿 */
			*unit = 100000000L;
			break;
			/* capital numerals (大写): 壹贰叁肆伍陆柒捌玖拾佰仟 */
		case 0x58F9:
			*digit = 1;
			break;
		case 0x8D30:
			*digit = 2;
			break;
		case 0x53C1:
			*digit = 3;
			break;
		case 0x8086:
			*digit = 4;
			break;
		case 0x4F0D:
			*digit = 5;
			break;
		case 0x9646:
			*digit = 6;
			break;
		case 0x67D2:
			*digit = 7;
			break;
		case 0x634C:
			*digit = 8;
			break;
		case 0x7396:
			*digit = 9;
			break;
		case 0x62FE:
			*unit = 10;
			break;
		case 0x4F70:
			*unit = 100;
			break;
		case 0x4EDF:
			*unit = 1000;
			break;
		default:
			return 0;
	}
	return 3;
}

/* Parse a Chinese numeral at p.  Returns the end offset (p if none). */
static size_t
parse_cn(const char *t, size_t n, size_t p, double *out, bool *decimal)
{
	size_t		q = p,
				steps = 0;
	double		total = 0,
				section = 0,
				number = 0;
	long		last_unit = 0;
	int			digit,
				prev_digit = -1,
				ndig_run = 0;
	long		unit;
	bool		any = false,
				positional = false,
				after_zero = false,
				have_number = false;

	*decimal = false;
	while (q < n && steps < 24 && cn_char(t, n, q, &digit, &unit))
	{
		steps++;
		if (digit >= 0)
		{
			if (have_number && ndig_run >= 1)
			{
				/* consecutive digits: 二〇二四 positional, 两三 = a range */
				if (ndig_run == 1 && !positional && prev_digit >= 1 &&
					digit == prev_digit + 1 && section == 0 && total == 0 &&
					!(q + 3 <= n && cn_char(t, n, q + 3, &digit, &unit) && digit >= 0))
				{
					/* "两三吨" = 2, "二三十吨" = 20, "三四百" = 300: keep the first */
					q += 3;
					if (q + 3 <= n && cn_char(t, n, q, &digit, &unit) && unit > 0 &&
						unit <= 10000)
					{
						number *= (double) unit;
						q += 3;
					}
					*out = number;
					return q;
				}
				positional = true;
				number = number * 10 + digit;
			}
			else
				number = digit;
			if (digit == 0)
				after_zero = true;
			have_number = true;
			prev_digit = digit;
			ndig_run++;
			any = true;
			q += 3;
			continue;
		}
		if (positional)
			break;
		ndig_run = 0;
		if (unit < 10000)
		{
			if (!have_number)
			{
				if (unit != 10 || any)
					break;		/* 百/千 cannot start a number */
				number = 1;		/* 十五 */
			}
			section += number * (double) unit;
			number = 0;
			have_number = false;
			last_unit = unit;
			after_zero = false;
		}
		else
		{
			if (!any)
				break;
			section += number;
			total += section * (double) unit;
			section = 0;
			number = 0;
			have_number = false;
			last_unit = unit;
			after_zero = false;
		}
		any = true;
		q += 3;
	}
	if (!any)
		return p;
	/* colloquial: 三千五 = 3500, 一万五 = 15000, 两百五 = 250 */
	if (have_number && !positional && last_unit >= 100 && !after_zero && ndig_run == 1)
		number *= (double) (last_unit / 10);
	total += section + number;
	/* 三点五 */
	if (q + 6 <= n && memcmp(t + q, "点", 3) == 0 &&
		cn_char(t, n, q + 3, &digit, &unit) && digit >= 0)
	{
		double		scale = 0.1;
		size_t		r = q + 3;
		int			k = 0;

		while (r < n && k < 6 && cn_char(t, n, r, &digit, &unit) && digit >= 0)
		{
			total += digit * scale;
			scale /= 10;
			r += 3;
			k++;
		}
		q = r;
		*decimal = true;
	}
	*out = total;
	return q;
}

/* Is the byte at folded position p an ASCII comma in the original? */
static bool
orig_ascii_comma(const az_ctx *ctx, size_t p)
{
	uint32_t	o = ctx->map[p];

	if (o < ctx->subj_len)
		return ctx->subj && ctx->subj[o] == ',';
	if (o > ctx->subj_len)
	{
		size_t		c = o - ctx->subj_len - 1;

		return c < ctx->content_len && ctx->content[c] == ',';
	}
	return false;
}

/* Currency word glued before digits: rmb/usd/cny/us. */
static bool
currency_letters_before(const char *t, size_t p)
{
	static const char *const w[] = {"rmb", "usd", "cny", "us", "eur", "hkd", "hk"};
	size_t		k = p,
				i;

	while (k > 0 && az_isalpha((unsigned char) t[k - 1]) && p - k < 4)
		k--;
	if (k > 0 && az_isalpha((unsigned char) t[k - 1]))
		return false;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strlen(w[i]) == p - k && az_at(t, p, k, w[i]))
			return true;
	return false;
}

static bool
add_num(az_ctx *ctx, size_t s, size_t e, double v, uint32_t ndig, uint32_t flags)
{
	az_num	   *x;

	if (ctx->nnums >= ctx->nums_cap)
	{
		az_num	   *g;

		if (ctx->nums_cap >= AZ_MAX_NUMS)
			return false;
		g = realloc(ctx->nums, ctx->nums_cap * 2 * sizeof(az_num));
		if (!g)
			return false;
		ctx->nums = g;
		ctx->nums_cap *= 2;
	}
	x = &ctx->nums[ctx->nnums++];
	x->s = (uint32_t) s;
	x->e = (uint32_t) e;
	x->v = v;
	x->ndigits = ndig;
	x->flags = flags;
	return true;
}

/* Multipliers right after a number: 万 亿 千 百 w k.  Returns new end. */
static size_t
apply_mult(const char *t, size_t n, size_t q, double *v, uint32_t *flags)
{
	int			k;

	for (k = 0; k < 2; k++)
	{
		if (az_at(t, n, q, "万"))
		{
			*v *= 1e4;
			q += 3;
		}
		else if (az_at(t, n, q, "亿"))
		{
			*v *= 1e8;
			q += 3;
		}
		else if (az_at(t, n, q, "千") && !az_at(t, n, q + 3, "克") &&
				 !az_at(t, n, q + 3, "米") && !az_at(t, n, q + 3, "瓦") &&
				 !az_at(t, n, q + 3, "帕"))
		{
			*v *= 1e3;
			q += 3;
		}
		else if (az_at(t, n, q, "百") && k == 0)
		{
			*v *= 1e2;
			q += 3;
		}
		else if (q < n && (t[q] == 'w' || t[q] == 'W') &&
				 (q + 1 >= n || !az_isalnum((unsigned char) t[q + 1])))
		{
			*v *= 1e4;
			q += 1;
		}
		else if (q < n && (t[q] == 'k' || t[q] == 'K') &&
				 (q + 1 >= n || !az_isalnum((unsigned char) t[q + 1])))
		{
			*v *= 1e3;
			q += 1;
		}
		else
			break;
		*flags |= AZN_MULT;
	}
	return q;
}

void
az_scan_numbers(az_ctx *ctx)
{
	const char *t = ctx->t;
	size_t		n = ctx->n,
				p = 0;

	while (p < n)
	{
		unsigned char c = (unsigned char) t[p];

		if (ctx->mark[p] & 1)
		{
			p++;
			continue;
		}
		if (az_isdigit(c))
		{
			size_t		s = p,
						q = p;
			double		v = 0;
			uint32_t	nd = 0,
						flags = 0;
			bool		glued = p > 0 && az_isalpha((unsigned char) t[p - 1]) &&
				!currency_letters_before(t, p);

			while (q < n && az_isdigit((unsigned char) t[q]))
			{
				if (nd < 18)
					v = v * 10 + (t[q] - '0');
				nd++;
				q++;
			}
			/* thousands separators */
			if (nd <= 3)
			{
				int			groups = 0;

				while (groups < 6 && q + 3 < n + 0 && t[q] == ',' &&
					   orig_ascii_comma(ctx, q) &&
					   az_isdigit((unsigned char) t[q + 1]) &&
					   az_isdigit((unsigned char) t[q + 2]) &&
					   az_isdigit((unsigned char) t[q + 3]) &&
					   (q + 4 >= n || !az_isdigit((unsigned char) t[q + 4])))
				{
					v = v * 1000 + (t[q + 1] - '0') * 100 + (t[q + 2] - '0') * 10 +
						(t[q + 3] - '0');
					nd += 3;
					q += 4;
					groups++;
				}
			}
			/* decimal part, but not 2024.07.15 or 1.2.3 */
			if (q + 1 < n && t[q] == '.' && az_isdigit((unsigned char) t[q + 1]))
			{
				size_t		r = q + 1;
				double		scale = 0.1,
							fr = 0;
				int			k = 0;

				while (r < n && az_isdigit((unsigned char) t[r]))
				{
					if (k < 12)
						fr += (t[r] - '0') * scale;
					scale /= 10;
					r++;
					k++;
				}
				if (!(r + 1 < n && t[r] == '.' && az_isdigit((unsigned char) t[r + 1])))
				{
					v += fr;
					q = r;
					flags |= AZN_DECIMAL;
				}
			}
			if (glued || (q < n && az_isalpha((unsigned char) t[q]) &&
						  q + 1 < n && az_isdigit((unsigned char) t[q + 1])))
			{
				/* part of a code such as ISO9001, V0, 3C1 */
				while (q < n && az_isalnum((unsigned char) t[q]))
					q++;
				p = q;
				continue;
			}
			q = apply_mult(t, n, q, &v, &flags);
			if (q < n && t[q] == '%')
				flags |= AZN_PCT;
			add_num(ctx, s, q, v, nd, flags);
			p = q;
			continue;
		}
		if (c >= 0xE3)
		{
			int			digit;
			long		unit;

			if (cn_char(t, n, p, &digit, &unit) && (digit >= 0 || unit == 10))
			{
				double		v = 0;
				bool		dec = false;
				size_t		q = parse_cn(t, n, p, &v, &dec);

				if (q > p)
				{
					uint32_t	flags = AZN_CHINESE | (dec ? AZN_DECIMAL : 0);

					/* 十分 = "very", 第一 = ordinal */
					if (!(az_at(t, n, p, "十分") && q == p + 3) &&
						!(p >= 3 && az_at(t, n, p - 3, "第")))
						add_num(ctx, p, q, v, 0, flags);
					p = q;
					continue;
				}
			}
			p += az_u8len(c);
			continue;
		}
		p++;
	}
}

/* ---- units ---------------------------------------------------------- */

size_t
az_match_unit(const char *t, size_t n, size_t p, const char **norm)
{
	static const struct
	{
		const char *s;
		const char *norm;
	}			cjk[] = {
		{"平方米", "平方米"}, {"平米", "平方米"}, {"公斤", "公斤"}, {"千克", "公斤"},
		{"吨", "吨"}, {"克", "克"}, {"件", "件"}, {"个", "个"}, {"只", "个"},
		{"套", "套"}, {"台", "台"}, {"箱", "箱"}, {"包", "包"}, {"袋", "袋"},
		{"卷", "卷"}, {"米", "米"}, {"升", "升"}, {"桶", "桶"}, {"斤", "斤"},
		{"㎡", "平方米"}, {"㎏", "公斤"},
	};
	static const struct
	{
		const char *s;
		const char *norm;
	}			asc[] = {
		{"tonnes", "吨"}, {"tonne", "吨"}, {"tons", "吨"}, {"ton", "吨"}, {"mt", "吨"},
		{"t", "吨"}, {"kgs", "公斤"}, {"kg", "公斤"}, {"g", "克"}, {"pcs", "件"},
		{"pieces", "件"}, {"sets", "套"}, {"set", "套"}, {"cartons", "箱"},
		{"carton", "箱"}, {"ctns", "箱"}, {"boxes", "箱"}, {"bags", "包"},
		{"bag", "包"}, {"rolls", "卷"}, {"sqm", "平方米"}, {"m2", "平方米"},
		{"m", "米"}, {"liters", "升"}, {"litres", "升"}, {"l", "升"},
	};
	size_t		i;
	char		c0;

	if (p >= n)
		return 0;
	if ((unsigned char) t[p] >= 0x80)
	{
		/* the first two bytes settle nearly every entry */
		char		b0 = t[p],
					b1 = p + 1 < n ? t[p + 1] : '\0';

		for (i = 0; i < sizeof(cjk) / sizeof(cjk[0]); i++)
			if (cjk[i].s[0] == b0 && cjk[i].s[1] == b1 && az_at(t, n, p, cjk[i].s))
			{
				/* 个月 个工作日 个小时 个人 个点: durations and words */
				if (strcmp(cjk[i].s, "个") == 0 &&
					(az_at(t, n, p + 3, "月") || az_at(t, n, p + 3, "工作") ||
					 az_at(t, n, p + 3, "星期") || az_at(t, n, p + 3, "礼拜") ||
					 az_at(t, n, p + 3, "小时") || az_at(t, n, p + 3, "人") ||
					 az_at(t, n, p + 3, "点") || az_at(t, n, p + 3, "百分") ||
					 az_at(t, n, p + 3, "季度") || az_at(t, n, p + 3, "周") ||
					 az_at(t, n, p + 3, "问题") || az_at(t, n, p + 3, "批次")))
					return 0;
				/* 毫米/厘米 are sizes, 9.6米的车 a truck, 吨袋 a bag type */
				if (strcmp(cjk[i].s, "米") == 0 &&
					((p >= 3 && (az_at(t, n, p - 3, "毫") || az_at(t, n, p - 3, "厘"))) ||
					 az_at(t, n, p + 3, "车") || az_at(t, n, p + 3, "的车") ||
					 az_at(t, n, p + 3, "货车") || az_at(t, n, p + 3, "长")))
					return 0;
				if (strcmp(cjk[i].s, "吨") == 0 && az_at(t, n, p + 3, "袋"))
					return 0;
				*norm = cjk[i].norm;
				return strlen(cjk[i].s);
			}
		return 0;
	}
	c0 = t[p] >= 'A' && t[p] <= 'Z' ? (char) (t[p] - 'A' + 'a') : t[p];
	for (i = 0; i < sizeof(asc) / sizeof(asc[0]); i++)
	{
		size_t		l;

		/* the first byte (case-folded, as az_at) settles most entries */
		if (asc[i].s[0] != c0 || !az_at(t, n, p, asc[i].s))
			continue;
		l = strlen(asc[i].s);	/* only for a match: this runs per number */
		if (p + l >= n || !az_isalnum((unsigned char) t[p + l]))
		{
			*norm = asc[i].norm;
			return l;
		}
	}
	return 0;
}

/* Currency written before position s (skipping spaces).  Returns the
 * start of the marker or s when none; *cur = "元" / "USD" / "EUR". */
static size_t
currency_before(const char *t, size_t n, size_t s, const char **cur)
{
	size_t		p = s;

	while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == ':'))
		p--;
	(void) n;
	if (p >= 2 && (unsigned char) t[p - 2] == 0xC2 && (unsigned char) t[p - 1] == 0xA5)
	{
		*cur = "元";
		return p - 2;
	}
	if (p >= 1 && t[p - 1] == '$')
	{
		*cur = "USD";
		if (p >= 3 && az_at(t, n, p - 3, "us"))
			return p - 3;
		if (p >= 3 && az_at(t, n, p - 3, "hk"))
		{
			*cur = "HKD";
			return p - 3;
		}
		return p - 1;
	}
	if (p >= 6 && (az_at(t, n, p - 6, "港币") || az_at(t, n, p - 6, "港元")))
	{
		*cur = "HKD";
		return p - 6;
	}
	if (p >= 3 && (unsigned char) t[p - 3] == 0xE2 && (unsigned char) t[p - 2] == 0x82 &&
		(unsigned char) t[p - 1] == 0xAC)
	{
		*cur = "EUR";
		return p - 3;
	}
	if (p >= 3 && (p == 3 || !az_isalpha((unsigned char) t[p - 4])))
	{
		if (az_at(t, n, p - 3, "rmb") || az_at(t, n, p - 3, "cny"))
		{
			*cur = "元";
			return p - 3;
		}
		if (az_at(t, n, p - 3, "usd"))
		{
			*cur = "USD";
			return p - 3;
		}
		if (az_at(t, n, p - 3, "hkd"))
		{
			*cur = "HKD";
			return p - 3;
		}
		if (az_at(t, n, p - 3, "eur"))
		{
			*cur = "EUR";
			return p - 3;
		}
	}
	if (p >= 9 && az_at(t, n, p - 9, "人民币"))
	{
		*cur = "元";
		return p - 9;
	}
	return s;
}

/* Currency written after position p.  Returns bytes consumed. */
static size_t
currency_after(const char *t, size_t n, size_t p, bool chinese_num, const char **cur)
{
	static const struct
	{
		const char *s;
		const char *cur;
		bool		word;		/* ASCII: needs a boundary */
	}			tab[] = {
		{"元人民币", "元", false}, {"块钱", "元", false}, {"元", "元", false},
		{"人民币", "元", false}, {"美元", "USD", false}, {"美金", "USD", false},
		{"欧元", "EUR", false}, {"港币", "HKD", false}, {"港元", "HKD", false},
		{"rmb", "元", true}, {"cny", "元", true}, {"hkd", "HKD", true},
		{"usd", "USD", true}, {"us dollars", "USD", true}, {"dollars", "USD", true},
		{"dollar", "USD", true}, {"eur", "EUR", true}, {"yuan", "元", true},
	};
	size_t		i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
	{
		size_t		l;

		if (!az_at(t, n, p, tab[i].s))
			continue;
		l = strlen(tab[i].s);	/* only for a match: this runs per number */
		if (!tab[i].word || p + l >= n || !az_isalnum((unsigned char) t[p + l]))
		{
			*cur = tab[i].cur;
			return l;
		}
	}
	/* 块: money after digits ("15块"), a piece after small Chinese numerals
	 * unless followed by a per-unit marker ("三块一斤") */
	if (az_at(t, n, p, "块"))
	{
		if (!chinese_num || az_at(t, n, p + 3, "一") || az_at(t, n, p + 3, "每") ||
			az_at(t, n, p + 3, "/"))
		{
			*cur = "元";
			return 3;
		}
	}
	return 0;
}

/* A per-unit marker after a price: "/吨" "每吨" "一吨" "per ton" "a ton"
 * "吨" (glued to 元).  Returns bytes consumed (0 if none). */
static size_t
per_unit_after(const char *t, size_t n, size_t p, bool glued_ok, const char **unit)
{
	size_t		q = az_skip_sp(t, n, p),
				l;

	if (q < n && t[q] == '/')
	{
		size_t		r = az_skip_sp(t, n, q + 1);

		if (az_at(t, n, r, "每"))
			r += 3;
		if ((l = az_match_unit(t, n, r, unit)) > 0)
			return r + l - p;
		return 0;
	}
	if (az_at(t, n, q, "每") || az_at(t, n, q, "一"))
	{
		if ((l = az_match_unit(t, n, q + 3, unit)) > 0)
			return q + 3 + l - p;
		return 0;
	}
	if (az_at(t, n, q, "per ") || az_at(t, n, q, "a ") || az_at(t, n, q, "an "))
	{
		size_t		r = q + (t[q] == 'p' || t[q] == 'P' ? 4 : (az_at(t, n, q, "a ") ? 2 : 3));

		r = az_skip_sp(t, n, r);
		if ((l = az_match_unit(t, n, r, unit)) > 0)
			return r + l - p;
		return 0;
	}
	if (glued_ok && q == p && (l = az_match_unit(t, n, q, unit)) > 0 &&
		(unsigned char) t[q] >= 0x80)
		return q + l - p;
	return 0;
}

/* A per-unit marker just before a price: "每吨15800元", "吨价15800元". */
static bool
per_unit_before(const char *t, size_t n, size_t s, const char **unit)
{
	size_t		p = s,
				k;

	while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == ':'))
		p--;
	/* allow 是/为/约 between */
	for (k = 0; k < 2; k++)
		if (p >= 3 && (az_at(t, n, p - 3, "是") || az_at(t, n, p - 3, "为") ||
					   az_at(t, n, p - 3, "约") || az_at(t, n, p - 3, "价")))
			p -= 3;
	/* look back up to 4 characters for 每<unit> or <unit>价 */
	{
		size_t		b = p,
					steps = 0;

		while (b > 0 && steps < 4)
		{
			size_t		st = b - 1;
			const char *u;

			while (st > 0 && ((unsigned char) t[st] & 0xC0) == 0x80)
				st--;
			if (az_at(t, n, st, "每") && az_match_unit(t, n, st + 3, &u) > 0 &&
				st + 3 + az_match_unit(t, n, st + 3, &u) <= s)
			{
				*unit = u;
				return true;
			}
			if (t[st] == ',' || t[st] == '.' || az_at(t, n, st, "。") || t[st] == '\n')
				break;
			b = st;
			steps++;
		}
	}
	return false;
}

/* After a quantity: "多少钱" and friends mean the number is "per one". */
static bool
per_unit_question_after(const char *t, size_t n, size_t p)
{
	p = az_skip_sp(t, n, p);
	return az_at(t, n, p, "多少") || az_at(t, n, p, "什么价") || az_at(t, n, p, "啥价") ||
		az_at(t, n, p, "价格") || az_at(t, n, p, "报价") || az_at(t, n, p, "的价") ||
		az_at(t, n, p, "单价") || az_at(t, n, p, "怎么卖") || az_at(t, n, p, "能给");
}

/* A change verb after an amount: "由25吨调整为30吨", "从16000降到15500";
 * the amount after it is the one that holds. */
static bool
superseded_after(const char *t, size_t n, size_t p)
{
	static const char *const verbs[] = {
		"调整为", "调整到", "调整至", "改为", "改成", "增加到", "增加至", "减少到", "减少至",
		"减到", "加到", "增至", "调至", "变为", "变更为", "提高到", "提高至", "降到", "降至",
		"降为", "涨到", "涨至", "调到", "优惠到", "下调到", "上调到", "修改为", "更改为",
	};
	size_t		i;

	p = az_skip_sp(t, n, p);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (az_at(t, n, p, verbs[i]))
			return true;
	return false;
}

/* A difference, not a price: "便宜800一吨", "贵了300块", "涨了500", "降价200元". */
static bool
difference_before(const char *t, size_t n, size_t s)
{
	static const char *const w[] = {
		"便宜", "贵", "低", "高", "差", "涨", "降", "少", "多", "让", "优惠", "涨价", "降价",
	};
	size_t		i;

	while (s > 0 && t[s - 1] == ' ')
		s--;
	if (s >= 3 && az_at(t, n, s - 3, "了"))
		s -= 3;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
	{
		size_t		l = strlen(w[i]);

		if (s >= l && az_at(t, n, s - l, w[i]))
			return true;
	}
	return false;
}

/* Just before a "1<unit>": 多少钱一吨, 什么价一公斤 -- per-unit talk. */
static bool
per_unit_question_before(const char *t, size_t n, size_t s)
{
	while (s > 0 && t[s - 1] == ' ')
		s--;
	return (s >= 3 && (az_at(t, n, s - 3, "钱") || az_at(t, n, s - 3, "价"))) ||
		(s >= 6 && az_at(t, n, s - 6, "多少"));
}

/* Period written after a quantity: "/月" "每月" "per month" "a month". */
static size_t
period_after(const char *t, size_t n, size_t p, const char **period)
{
	static const struct
	{
		const char *s;
		const char *per;
	}			tab[] = {
		{"/月", "月"}, {"每月", "月"}, {"/年", "年"}, {"每年", "年"}, {"/周", "周"},
		{"每周", "周"}, {"/天", "天"}, {"每天", "天"}, {"/month", "月"},
		{"per month", "月"}, {"a month", "月"}, {"monthly", "月"}, {"/year", "年"},
		{"per year", "年"}, {"a year", "年"}, {"per annum", "年"}, {"/week", "周"},
		{"per week", "周"}, {"a week", "周"}, {"/day", "天"}, {"per day", "天"},
		{"左右/月", "月"},
	};
	size_t		q = az_skip_sp(t, n, p),
				i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (az_at(t, n, q, tab[i].s))
		{
			*period = tab[i].per;
			return q + strlen(tab[i].s) - p;
		}
	return 0;
}

static const char *
period_name(int32_t arg)
{
	switch (arg)
	{
		case 1:
			return "月";
		case 2:
			return "年";
		case 3:
			return "周";
		case 4:
			return "天";
		default:
			return "";
	}
}

/* Hit of a kind ending in [lo, hi] inside the clause, nearest to hi. */
static const az_hit *
hit_before(const az_ctx *ctx, size_t pos, uint16_t kind, size_t maxgap, const az_feat **feat)
{
	size_t		i = az_hit_lower_bound(ctx, (uint32_t) pos);
	size_t		steps = 0;

	while (i > 0 && steps < 12)
	{
		const az_hit *h = &ctx->hits[i - 1];
		const az_feat *f;

		i--;
		steps++;
		if (h->e > pos)
			continue;
		if (pos - h->e > maxgap)
			break;
		if (az_clause_break(ctx, h->e, pos))
			break;
		f = az_hit_feat(ctx, h, kind);
		if (f)
		{
			if (feat)
				*feat = f;
			return h;
		}
	}
	return NULL;
}

/* What may follow a bare number that a price word introduced. */
static bool
bare_price_tail_ok(const char *t, size_t n, size_t p)
{
	unsigned char c;

	p = az_skip_sp(t, n, p);
	if (p >= n)
		return true;
	c = (unsigned char) t[p];
	if (c < 0x80)
		return !az_isalnum(c) && c != '%';
	return az_at(t, n, p, "左右") || az_at(t, n, p, "上下") || az_at(t, n, p, "吧") ||
		az_at(t, n, p, "啊") || az_at(t, n, p, "呢") || az_at(t, n, p, "了") ||
		az_at(t, n, p, "。") || az_at(t, n, p, "、") || az_at(t, n, p, "的") ||
		az_at(t, n, p, "以内") || az_at(t, n, p, "以下") || az_at(t, n, p, "附近") ||
		az_at(t, n, p, "含税") || az_at(t, n, p, "不含") || az_at(t, n, p, "降") ||
		az_at(t, n, p, "涨") || az_at(t, n, p, "到") || az_at(t, n, p, "太") ||
		az_at(t, n, p, "有点") || az_at(t, n, p, "偏") || az_at(t, n, p, "可以") ||
		az_at(t, n, p, "能") || az_at(t, n, p, "比") || az_at(t, n, p, "还") ||
		az_at(t, n, p, "怎么") || az_at(t, n, p, "行") || az_at(t, n, p, "低") ||
		az_at(t, n, p, "高") || az_at(t, n, p, "贵") || az_at(t, n, p, "走") ||
		az_at(t, n, p, "算") || az_at(t, n, p, "来") || az_at(t, n, p, "结") ||
		az_at(t, n, p, "执行") || az_at(t, n, p, "成交") || az_at(t, n, p, "一吨");
}

void
az_find_money_qty(az_ctx *ctx)
{
	const char *t = ctx->t;
	size_t		n = ctx->n,
				i;
	size_t		skip_until = 0;	/* a price's per-unit part ("一吨") is not an amount */

	for (i = 0; i < ctx->nnums; i++)
	{
		az_num	   *x = &ctx->nums[i];
		size_t		after = x->e,
					rng_end = 0,
					q,
					l,
					pre;
		const char *cur = NULL,
				   *unit = NULL;
		bool		chinese = (x->flags & AZN_CHINESE) != 0;

		if (x->flags & (AZN_USED | AZN_PCT) || x->s < skip_until)
			continue;
		/* range: 50-60吨, 50~60, 50到60, 50至60, 50 to 60 */
		q = az_skip_sp(t, n, x->e);
		if (i + 1 < ctx->nnums && !(ctx->nums[i + 1].flags & AZN_USED))
		{
			size_t		sep = 0;

			if (q < n && (t[q] == '-' || t[q] == '~'))
				sep = 1;
			else if (az_at(t, n, q, "到") || az_at(t, n, q, "至"))
				sep = 3;
			else if (az_at(t, n, q, "to "))
				sep = 3;
			if (sep && az_skip_sp(t, n, q + sep) == ctx->nums[i + 1].s)
			{
				rng_end = ctx->nums[i + 1].e;
				after = rng_end;
			}
		}
		/* a unit directly after the first number wins over the range */
		q = az_skip_sp(t, n, x->e);
		if (rng_end && (az_match_unit(t, n, q, &unit) > 0 ||
						currency_after(t, n, q, chinese, &cur) > 0))
		{
			rng_end = 0;
			after = x->e;
			unit = NULL;
			cur = NULL;
		}

		pre = currency_before(t, n, x->s, &cur);
		if (pre == x->s)
			cur = NULL;
		q = az_skip_sp(t, n, after);
		{
			const char *suffix = NULL;

			/* 港币5000元: the prefix names the currency, 元 only the unit */
			if ((l = currency_after(t, n, q, chinese, &suffix)) > 0)
			{
				q += l;
				if (!cur)
					cur = suffix;
			}
		}

		if (cur)
		{
			/* a price */
			size_t		pu;
			const char *pun0 = NULL;

			skip_until = q + per_unit_after(t, n, q, true, &pun0);
			if (!ctx->price.found)
			{
				const char *pun = NULL;

				pu = per_unit_after(t, n, q, true, &pun);
				if (superseded_after(t, n, q + pu))
					continue;
				if (pu == 0 && !per_unit_before(t, n, pre, &pun))
					pun = NULL;
				ctx->price.found = true;
				ctx->price.s = (uint32_t) pre;
				ctx->price.e = (uint32_t) (q + pu);
				ctx->price.v = x->v;
				if (pun)
					snprintf(ctx->price.unit, sizeof(ctx->price.unit), "%s/%s", cur, pun);
				else
					snprintf(ctx->price.unit, sizeof(ctx->price.unit), "%s", cur);
			}
			continue;
		}

		/* no currency */
		q = az_skip_sp(t, n, after);
		if ((q < n && t[q] == '/') ||
			((az_at(t, n, q, "一") || az_at(t, n, q, "每")) && x->v >= 10))
		{
			const char *pun = NULL;
			size_t		pu = per_unit_after(t, n, q, false, &pun);

			if (pu > 0 && !(chinese && x->v < 10))
			{
				skip_until = q + pu;
				if (!ctx->price.found && !superseded_after(t, n, q + pu))
				{
					ctx->price.found = true;
					ctx->price.s = x->s;
					ctx->price.e = (uint32_t) (q + pu);
					ctx->price.v = x->v;
					snprintf(ctx->price.unit, sizeof(ctx->price.unit), "元/%s", pun);
				}
				continue;
			}
		}
		if ((l = az_match_unit(t, n, q, &unit)) > 0)
		{
			size_t		ue = q + l;
			const char *per = "";
			size_t		pl;
			const az_feat *pf = NULL;

			/* Chinese numerals with generic counters are words (一个问题,
			 * 两台机器, 一套方案); with packages they are goods (两包) */
			if (chinese && x->v < 10 && (strcmp(unit, "个") == 0 || strcmp(unit, "件") == 0 ||
										 strcmp(unit, "台") == 0 || strcmp(unit, "套") == 0))
				continue;
			/* "一吨多少钱", "1吨的价格": per-unit talk, not an amount */
			if (x->v == 1 && (per_unit_question_after(t, n, ue) ||
							  per_unit_question_before(t, n, x->s)))
				continue;
			/* "由25吨调整为30吨": the later amount holds */
			if (superseded_after(t, n, ue))
				continue;
			/* preceded by "/" or 每: 15800元/1吨 */
			if (x->s > 0 && (t[x->s - 1] == '/' ||
							 (x->s >= 3 && az_at(t, n, x->s - 3, "每"))))
				continue;
			pl = period_after(t, n, ue, &per);
			if (!*per && hit_before(ctx, x->s, AZK_PERIOD, 24, &pf) && pf)
				per = period_name(pf->arg);
			/* the first quantity of goods (samples and returns count too) */
			if (!ctx->qty.found)
			{
				ctx->qty.found = true;
				ctx->qty.s = x->s;
				ctx->qty.e = (uint32_t) (ue + pl);
				ctx->qty.v = x->v;
				snprintf(ctx->qty.unit, sizeof(ctx->qty.unit), "%s", unit);
				snprintf(ctx->qty.period, sizeof(ctx->qty.period), "%s", per);
				ctx->qty.period_in_span = pl > 0;
			}
			continue;
		}
		/* "每吨9500": a per-unit word right before a bare number */
		if (!ctx->price.found && x->v >= 10 && !rng_end && bare_price_tail_ok(t, n, x->e))
		{
			const char *pun = NULL;

			if (per_unit_before(t, n, x->s, &pun) && !superseded_after(t, n, x->e))
			{
				ctx->price.found = true;
				ctx->price.s = x->s;
				ctx->price.e = x->e;
				ctx->price.v = x->v;
				snprintf(ctx->price.unit, sizeof(ctx->price.unit), "元/%s", pun);
				continue;
			}
		}
		/* a bare number after a price word: 报价15800 */
		if (!ctx->price.found && (!chinese || x->v >= 100) && x->v >= 1 && !rng_end &&
			!superseded_after(t, n, x->e) && !difference_before(t, n, x->s) &&
			bare_price_tail_ok(t, n, x->e) &&
			hit_before(ctx, x->s, AZK_PRICEWORD, 15, NULL))
		{
			ctx->price.found = true;
			ctx->price.s = x->s;
			ctx->price.e = x->e;
			ctx->price.v = x->v;
			snprintf(ctx->price.unit, sizeof(ctx->price.unit), "元");
			{
				const char *pun = NULL;

				if (per_unit_before(t, n, x->s, &pun))
					snprintf(ctx->price.unit, sizeof(ctx->price.unit), "元/%s", pun);
			}
		}
	}
	if (ctx->price.found && !isfinite(ctx->price.v))
		ctx->price.found = false;
	if (ctx->qty.found && !isfinite(ctx->qty.v))
		ctx->qty.found = false;
}
