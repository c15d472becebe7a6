/*
 * analyzer_dates.c -- date mentions, resolved against the communication
 * time in Asia/Shanghai (UTC+8, no DST since 1991).
 *
 * Two kinds of anchors are visited in text order:
 *   number tokens -- 2024-07-15, 2024/7/15, 2024.07.15, 07/15/2024,
 *     2024年7月15日, 7月15日/号, 7月中旬 (15th), 上旬 (5th), 下旬 (25th),
 *     7月初 (1st), 7月底 (last day), 7月 (month), 15号, 三天内, 两周内,
 *     48小时内, 3个工作日内, within 3 days, in 2 weeks;
 *   date-word hits of the automaton -- 今天 明天 后天 大后天, 本周五,
 *     下周三, 下周 (its Monday), 周五 (this week's, or next week's once
 *     passed), 月底/月末, 月初, 中旬, 下个月(+15号/底/中旬), 年底, 明年3月,
 *     Q3/三季度, next Monday, by Friday, July 15, 15 July, mid-July,
 *     end of the month.
 * A mention consumes the number tokens inside it, so "7月15日" is not
 * later read as a quantity.  A month or day without a year is placed in
 * the year that puts it closest to the communication (a date more than
 * 60 days in the past rolls to next year: "1月5日" said on 20 December is
 * next January).  Relative mentions (明天, 三天内) know their distance in
 * days even without a communication time; absolute ones need it.
 */
#include <string.h>

#include "analyzer_internal.h"
#include "normalize.h"

/* The proleptic Gregorian day numbers of the time normalizer, as int32. */
int32_t
az_days_from_civil(int y, int m, int d)
{
	return (int32_t) norm_days_from_civil(y, m, d);
}

void
az_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int64_t		yy;

	norm_civil_from_days(z, &yy, m, d);
	*y = (int) yy;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[(m - 1) % 12];
}

typedef struct dstate
{
	az_ctx	   *ctx;
	int			ty,
				tm,
				td;				/* today (local) */
	int			wd;				/* today's weekday, Monday = 0 */
	size_t		consumed;
} dstate;

static void
add_mention(dstate *st, size_t s, size_t e, bool resolved, int32_t day,
			bool rel_known, int32_t rel, int gran)
{
	az_ctx	   *ctx = st->ctx;
	az_date    *d;
	size_t		i;

	if (ctx->ndates >= AZ_MAX_DATES || e <= s)
		return;
	if (resolved)
	{
		int			y,
					m,
					dd;

		az_civil_from_days(day, &y, &m, &dd);
		if (y < 1970 || y > 2200)
			return;
	}
	d = &ctx->dates[ctx->ndates++];
	d->s = (uint32_t) s;
	d->e = (uint32_t) e;
	d->resolved = resolved && ctx->has_time;
	d->day = day;
	if (resolved && ctx->has_time && !rel_known)
	{
		rel = day - ctx->today;
		rel_known = true;
	}
	d->rel_known = rel_known;
	d->rel = rel;
	d->gran = (uint8_t) gran;
	if (e > st->consumed)
		st->consumed = e;
	for (i = 0; i < ctx->nnums; i++)
		if (ctx->nums[i].s >= s && ctx->nums[i].e <= e)
			ctx->nums[i].flags |= AZN_USED;
}

/* A resolved mention from a civil date (needs the communication time). */
static void
add_civil(dstate *st, size_t s, size_t e, int y, int m, int d, int gran)
{
	if (m < 1 || m > 12 || d < 1 || y < 1970 || y > 2200)
		return;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	if (!st->ctx->has_time)
	{
		add_mention(st, s, e, false, 0, false, 0, gran);
		return;
	}
	add_mention(st, s, e, true, az_days_from_civil(y, m, d), false, 0, gran);
}

static void
add_rel(dstate *st, size_t s, size_t e, int32_t rel, int gran)
{
	az_ctx	   *ctx = st->ctx;

	add_mention(st, s, e, ctx->has_time, ctx->today + rel, true, rel, gran);
}

/* Year for a month/day given without one. */
static int
pick_year(const dstate *st, int m, int d)
{
	int			y = st->ty;
	int32_t		cand;

	if (!st->ctx->has_time)
		return 2000;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	cand = az_days_from_civil(y, m, d);
	if (cand < st->ctx->today - 60)
		y++;
	return y;
}

/* Weekday character after p: 一..六 日 天 or 1..7.  Returns bytes, *wd. */
static size_t
weekday_char(const char *t, size_t n, size_t p, int *wd)
{
	static const char *const cn[] = {"一", "二", "三", "四", "五", "六", "日", "天"};
	int			i;

	for (i = 0; i < 8; i++)
		if (az_at(t, n, p, cn[i]))
		{
			*wd = i < 7 ? i : 6;
			return 3;
		}
	if (p < n && t[p] >= '1' && t[p] <= '7' && (p + 1 >= n || !az_isdigit((unsigned char) t[p + 1])))
	{
		*wd = t[p] - '1';
		return 1;
	}
	return 0;
}

/* Token index starting exactly at p (after spaces), or -1. */
static long
num_at(const az_ctx *ctx, size_t p)
{
	size_t		lo = 0,
				hi = ctx->nnums;

	p = az_skip_sp(ctx->t, ctx->n, p);
	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (ctx->nums[mid].s < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ctx->nnums && ctx->nums[lo].s == p)
		return (long) lo;
	return -1;
}

static bool
small_int(const az_num *x, int lo, int hi)
{
	return !(x->flags & (AZN_DECIMAL | AZN_MULT | AZN_PCT)) && x->v >= lo && x->v <= hi &&
		(x->flags & AZN_CHINESE || x->ndigits <= 2);
}

/* After "M月" at p: day / ten-day / start / end.  Returns end and sets *d,
 * *gran; *d = 0 when only the month was given. */
static size_t
month_tail(const dstate *st, size_t p, int y, int m, int *d, int *gran)
{
	const az_ctx *ctx = st->ctx;
	const char *t = ctx->t;
	size_t		n = ctx->n;
	long		k;

	*d = 0;
	*gran = 2;
	if (az_at(t, n, p, "份"))
		p += 3;
	if (az_at(t, n, p, "上旬"))
	{
		*d = 5;
		*gran = 1;
		return p + 6;
	}
	if (az_at(t, n, p, "中旬"))
	{
		*d = 15;
		*gran = 1;
		return p + 6;
	}
	if (az_at(t, n, p, "下旬"))
	{
		*d = 25;
		*gran = 1;
		return p + 6;
	}
	if (az_at(t, n, p, "初"))
	{
		*d = 1;
		*gran = 1;
		return p + 3;
	}
	if (az_at(t, n, p, "中") && !az_at(t, n, p, "中国"))
	{
		*d = 15;
		*gran = 1;
		return p + 3;
	}
	if (az_at(t, n, p, "底") || az_at(t, n, p, "末"))
	{
		*d = days_in_month(y > 0 ? y : 2001, m);
		*gran = 1;
		return p + 3;
	}
	k = num_at(ctx, p);
	if (k >= 0 && ctx->nums[k].s == p && small_int(&ctx->nums[k], 1, 31))
	{
		size_t		q = ctx->nums[k].e;
		const char *u;

		if (az_at(t, n, q, "日") || az_at(t, n, q, "号"))
		{
			*d = (int) ctx->nums[k].v;
			*gran = 0;
			return q + 3;
		}
		if (az_match_unit(t, n, q, &u) == 0 && !(q < n && (t[q] == '.' || t[q] == '%')) &&
			!az_at(t, n, q, "元") && !az_at(t, n, q, "块") && !az_at(t, n, q, "万"))
		{
			*d = (int) ctx->nums[k].v;
			*gran = 0;
			return q;
		}
	}
	return p;
}

/* Duration after a number at p: 天 日 个工作日 周 个星期 个月 小时 +
 * 内/之内/以内/后/之后/以后.  Returns end, *days. */
static size_t
duration_tail(const az_ctx *ctx, size_t p, double v, int32_t *days)
{
	const char *t = ctx->t;
	size_t		n = ctx->n,
				q = p;
	double		mult = 0;
	bool		months = false;

	q = az_skip_sp(t, n, q);
	if (az_at(t, n, q, "个工作日"))
	{
		mult = 7.0 / 5.0;
		q += 12;
	}
	else if (az_at(t, n, q, "工作日"))
	{
		mult = 7.0 / 5.0;
		q += 9;
	}
	else if (az_at(t, n, q, "个工作天"))	/* Taiwan: 三個工作天內 */
	{
		mult = 7.0 / 5.0;
		q += 12;
	}
	else if (az_at(t, n, q, "工作天"))
	{
		mult = 7.0 / 5.0;
		q += 9;
	}
	else if (az_at(t, n, q, "天") || az_at(t, n, q, "日"))
	{
		mult = 1;
		q += 3;
	}
	else if (az_at(t, n, q, "个星期") || az_at(t, n, q, "个礼拜"))
	{
		mult = 7;
		q += 9;
	}
	else if (az_at(t, n, q, "周") || az_at(t, n, q, "星期"))
	{
		mult = 7;
		q += az_at(t, n, q, "周") ? 3 : 6;
	}
	else if (az_at(t, n, q, "个月"))
	{
		months = true;
		q += 6;
	}
	else if (az_at(t, n, q, "个小时") || az_at(t, n, q, "小时"))
	{
		mult = 1.0 / 24.0;
		q += az_at(t, n, q, "个小时") ? 9 : 6;
	}
	else
		return p;
	if (az_at(t, n, q, "之内") || az_at(t, n, q, "以内") || az_at(t, n, q, "之后") ||
		az_at(t, n, q, "以后"))
		q += 6;
	else if (az_at(t, n, q, "内") || az_at(t, n, q, "后"))
		q += 3;
	else
		return p;
	if (months)
		*days = (int32_t) (v * 30 + 0.5);
	else
	{
		double		dd = v * mult;

		*days = (int32_t) dd;
		if (dd > *days)
			(*days)++;
	}
	if (*days > 3650)
		*days = 3650;
	return q;
}

/* English "within 3 days", "in 2 weeks", "next 5 days". */
static size_t
en_duration(const az_ctx *ctx, const az_num *x, int32_t *days, size_t *start)
{
	static const struct
	{
		const char *w;
		double		mult;
	}			units[] = {
		{"business days", 1.4}, {"working days", 1.4}, {"business day", 1.4},
		{"days", 1}, {"day", 1}, {"weeks", 7}, {"week", 7}, {"months", 30},
		{"month", 30}, {"hours", 1.0 / 24}, {"hrs", 1.0 / 24},
	};
	const char *t = ctx->t;
	size_t		n = ctx->n,
				q = az_skip_sp(t, n, x->e),
				i,
				b = x->s;

	while (b > 0 && t[b - 1] == ' ')
		b--;
	if (b >= 6 && az_at(t, n, b - 6, "within"))
		*start = b - 6;
	else if (b >= 2 && az_at(t, n, b - 2, "in") && (b == 2 || !az_isalpha((unsigned char) t[b - 3])))
		*start = b - 2;
	else if (b >= 4 && az_at(t, n, b - 4, "next"))
		*start = b - 4;
	else
		return 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
	{
		size_t		l;

		if (!az_at(t, n, q, units[i].w))
			continue;
		l = strlen(units[i].w);
		if (q + l >= n || !az_isalpha((unsigned char) t[q + l]))
		{
			double		dd = x->v * units[i].mult;

			*days = (int32_t) dd;
			if (dd > *days)
				(*days)++;
			if (*days > 3650)
				*days = 3650;
			return q + l;
		}
	}
	return 0;
}

static const char *const en_month_full[] = {
	"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"
};

/* Number-anchored mentions.  Returns true if one was added. */
static bool
from_number(dstate *st, size_t i)
{
	az_ctx	   *ctx = st->ctx;
	const char *t = ctx->t;
	size_t		n = ctx->n;
	const az_num *x = &ctx->nums[i];
	size_t		q = x->e;
	int32_t		days;

	if (x->flags & (AZN_PCT | AZN_MULT))
		return false;
	/* 2024-07-15, 2024/7/15, 2024.07.15 */
	if (!(x->flags & AZN_CHINESE) && x->ndigits == 4 && !(x->flags & AZN_DECIMAL) &&
		x->v >= 1970 && x->v <= 2200 && q < n && (t[q] == '-' || t[q] == '/' || t[q] == '.'))
	{
		char		sep = t[q];
		long		k1 = num_at(ctx, q + 1);

		if (k1 >= 0 && ctx->nums[k1].s == q + 1 && small_int(&ctx->nums[k1], 1, 12) &&
			ctx->nums[k1].e < n && t[ctx->nums[k1].e] == sep)
		{
			long		k2 = num_at(ctx, ctx->nums[k1].e + 1);

			if (k2 >= 0 && ctx->nums[k2].s == ctx->nums[k1].e + 1 &&
				small_int(&ctx->nums[k2], 1, 31))
			{
				add_civil(st, x->s, ctx->nums[k2].e, (int) x->v, (int) ctx->nums[k1].v,
						  (int) ctx->nums[k2].v, 0);
				return true;
			}
		}
	}
	/* 07/15/2024 or 15/07/2024 */
	if (!(x->flags & AZN_CHINESE) && small_int(x, 1, 31) && q < n && t[q] == '/')
	{
		long		k1 = num_at(ctx, q + 1);

		if (k1 >= 0 && ctx->nums[k1].s == q + 1 && small_int(&ctx->nums[k1], 1, 31) &&
			ctx->nums[k1].e < n && t[ctx->nums[k1].e] == '/')
		{
			long		k2 = num_at(ctx, ctx->nums[k1].e + 1);

			if (k2 >= 0 && ctx->nums[k2].s == ctx->nums[k1].e + 1 &&
				ctx->nums[k2].ndigits == 4 && ctx->nums[k2].v >= 1970 && ctx->nums[k2].v <= 2200)
			{
				int			a = (int) x->v,
							b = (int) ctx->nums[k1].v;
				int			m = a <= 12 ? a : b,
							d = a <= 12 ? b : a;

				add_civil(st, x->s, ctx->nums[k2].e, (int) ctx->nums[k2].v, m, d, 0);
				return true;
			}
		}
	}
	/* 2024年7月15日 / 2024年7月 */
	if (x->v >= 1970 && x->v <= 2200 && !(x->flags & AZN_DECIMAL) && az_at(t, n, q, "年"))
	{
		long		k = num_at(ctx, q + 3);

		if (k >= 0 && ctx->nums[k].s == q + 3 && small_int(&ctx->nums[k], 1, 12) &&
			az_at(t, n, ctx->nums[k].e, "月"))
		{
			int			d,
						gran;
			int			y = (int) x->v,
						m = (int) ctx->nums[k].v;
			size_t		e = month_tail(st, ctx->nums[k].e + 3, y, m, &d, &gran);

			add_civil(st, x->s, e, y, m, d ? d : 1, gran);
			return true;
		}
		return false;
	}
	/* 7月15日, 7月中旬, 7月 */
	if (small_int(x, 1, 12) && az_at(t, n, q, "月") &&
		!(x->s > 0 && t[x->s - 1] == '/'))
	{
		int			m = (int) x->v,
					d,
					gran;
		size_t		e;
		int			y;

		e = month_tail(st, q + 3, 0, m, &d, &gran);
		y = pick_year(st, m, d ? d : 28);
		if (gran == 1 && d > 27)
			d = days_in_month(y, m);
		add_civil(st, x->s, e, y, m, d ? d : 1, gran);
		return true;
	}
	/* 三天内, 两周内, 48小时内, 3个工作日内 */
	if (x->v > 0 && x->v <= 1000)
	{
		size_t		e = duration_tail(ctx, q, x->v, &days);

		if (e > q)
		{
			add_rel(st, x->s, e, days, days <= 1 ? 0 : 1);
			return true;
		}
	}
	/* 15号 / 15日 (this month, or next once passed) */
	if (small_int(x, 1, 31) && (az_at(t, n, q, "号") || az_at(t, n, q, "日")) &&
		!az_at(t, n, q, "日内") && !(x->s >= 3 && az_at(t, n, x->s - 3, "第")))
	{
		int			d = (int) x->v,
					y = st->ty,
					m = st->tm;

		if (ctx->has_time && d < st->td)
		{
			m++;
			if (m > 12)
			{
				m = 1;
				y++;
			}
		}
		add_civil(st, x->s, q + 3, ctx->has_time ? y : 2000, m, d, 0);
		return true;
	}
	/* within 3 days / in 2 weeks */
	{
		size_t		s0 = 0,
					e = en_duration(ctx, x, &days, &s0);

		if (e > 0)
		{
			add_rel(st, s0, e, days, 1);
			return true;
		}
	}
	return false;
}

/* Weekday offset from today for "this week's wd". */
static int32_t
this_week_day(const dstate *st, int wd)
{
	return (int32_t) (wd - st->wd);
}

/* English: look back for "next"/"this"/"last" before position s. */
static int
en_week_modifier(const char *t, size_t n, size_t s)
{
	size_t		b = s;

	while (b > 0 && t[b - 1] == ' ')
		b--;
	if (b >= 4 && az_at(t, n, b - 4, "next"))
		return 1;
	if (b >= 4 && az_at(t, n, b - 4, "this"))
		return 0;
	if (b >= 4 && az_at(t, n, b - 4, "last"))
		return -1;
	return 2;
}

static void
from_hit(dstate *st, const az_hit *h, const az_feat *f)
{
	az_ctx	   *ctx = st->ctx;
	const char *t = ctx->t;
	size_t		n = ctx->n,
				e = h->e;
	int			wd;
	size_t		l;

	switch (f->arg)
	{
		case AZD_TODAY:
		case AZD_TONIGHT:
			add_rel(st, h->s, e, 0, 0);
			return;
		case AZD_TOMORROW:
			add_rel(st, h->s, e, 1, 0);
			return;
		case AZD_AFTER_TOMORROW:
			add_rel(st, h->s, e, 2, 0);
			return;
		case AZD_3DAYS:
			add_rel(st, h->s, e, 3, 0);
			return;
		case AZD_YESTERDAY:
			add_rel(st, h->s, e, -1, 0);
			return;
		case AZD_BEFORE_YESTERDAY:
			add_rel(st, h->s, e, -2, 0);
			return;
		case AZD_THIS_WEEK:
		case AZD_NEXT_WEEK:
		case AZD_NEXT_NEXT_WEEK:
		case AZD_LAST_WEEK:
			{
				int			weeks = f->arg == AZD_THIS_WEEK ? 0 :
					f->arg == AZD_NEXT_WEEK ? 1 : f->arg == AZD_NEXT_NEXT_WEEK ? 2 : -1;

				if (!ctx->has_time)
				{
					add_mention(st, h->s, e, false, 0, false, 0, 0);
					return;
				}
				if (az_at(t, n, e, "末"))
				{
					add_rel(st, h->s, e + 3, this_week_day(st, 5) + 7 * weeks, 0);
					return;
				}
				if ((l = weekday_char(t, n, e, &wd)) > 0)
				{
					add_rel(st, h->s, e + l, this_week_day(st, wd) + 7 * weeks, 0);
					return;
				}
				if (weeks == 0)
				{
					/* 本周 / 本周内: by Friday (Sunday once Friday passed) */
					int32_t		r = this_week_day(st, 4);

					if (r < 0)
						r = this_week_day(st, 6);
					add_rel(st, h->s, e, r, 1);
				}
				else
					add_rel(st, h->s, e, this_week_day(st, 0) + 7 * weeks, 1);
				return;
			}
		case AZD_WEEKDAY_PREFIX:
			if ((l = weekday_char(t, n, e, &wd)) > 0)
			{
				int32_t		r = this_week_day(st, wd);

				if (!ctx->has_time)
				{
					add_mention(st, h->s, e + l, false, 0, false, 0, 0);
					return;
				}
				if (r < 0)
					r += 7;			/* the coming one */
				add_rel(st, h->s, e + l, r, 0);
			}
			return;
		case AZD_EN_END_OF_WEEK:
			if (!ctx->has_time)
			{
				add_mention(st, h->s, e, false, 0, false, 0, 0);
				return;
			}
			{
				int32_t		r = this_week_day(st, 4);

				if (r < 0)
					r = this_week_day(st, 6);
				add_rel(st, h->s, e, r, 0);
			}
			return;
		case AZD_EN_WEEKDAY:
			{
				int			mod = en_week_modifier(t, n, h->s);
				int32_t		r;
				size_t		s = h->s;

				if (!ctx->has_time)
				{
					add_mention(st, s, e, false, 0, false, 0, 0);
					return;
				}
				r = this_week_day(st, f->w);
				if (mod == 1)
					r += 7;
				else if (mod == -1)
					r -= 7;
				else if (mod == 2 && r < 0)
					r += 7;
				if (mod != 2)
				{
					while (s > 0 && t[s - 1] == ' ')
						s--;
					s -= 4;
				}
				add_rel(st, s, e, r, 0);
				return;
			}
		case AZD_THIS_MONTH:
		case AZD_NEXT_MONTH:
		case AZD_LAST_MONTH:
			{
				int			y = st->ty,
							m = st->tm + (f->arg == AZD_NEXT_MONTH ? 1 :
										  f->arg == AZD_LAST_MONTH ? -1 : 0);
				int			d,
							gran;
				size_t		q;

				if (m > 12)
				{
					m = 1;
					y++;
				}
				if (m < 1)
				{
					m = 12;
					y--;
				}
				q = month_tail(st, e, y, m, &d, &gran);
				if (!ctx->has_time)
				{
					add_mention(st, h->s, q, false, 0, false, 0, gran);
					return;
				}
				if (d == 0)
					d = f->arg == AZD_THIS_MONTH ? days_in_month(y, m) : 1;
				add_civil(st, h->s, q, y, m, d, gran);
				return;
			}
		case AZD_MONTH_START:
		case AZD_MONTH_MID:
		case AZD_MONTH_END:
		case AZD_XUN_EARLY:
		case AZD_XUN_MID:
		case AZD_XUN_LATE:
			{
				int			y = st->ty,
							m = st->tm,
							d;

				if (!ctx->has_time)
				{
					add_mention(st, h->s, e, false, 0, false, 0, 1);
					return;
				}
				d = f->arg == AZD_MONTH_START ? 1 : f->arg == AZD_XUN_EARLY ? 5 :
					(f->arg == AZD_MONTH_MID || f->arg == AZD_XUN_MID) ? 15 :
					f->arg == AZD_XUN_LATE ? 25 : days_in_month(y, m);
				/* already well past this month's: next month's */
				if (d + 3 < st->td && f->arg != AZD_MONTH_END)
				{
					m++;
					if (m > 12)
					{
						m = 1;
						y++;
					}
				}
				add_civil(st, h->s, e, y, m, d, 1);
				return;
			}
		case AZD_YEAR_END:
			if (!ctx->has_time)
				add_mention(st, h->s, e, false, 0, false, 0, 4);
			else
				add_civil(st, h->s, e, st->ty, 12, 31, 4);
			return;
		case AZD_NEXT_YEAR:
		case AZD_THIS_YEAR:
			{
				int			y = st->ty + (f->arg == AZD_NEXT_YEAR ? 1 : 0);
				long		k = num_at(ctx, e);

				if (k >= 0 && small_int(&ctx->nums[k], 1, 12) &&
					az_at(t, n, ctx->nums[k].e, "月"))
				{
					int			d,
								gran,
								m = (int) ctx->nums[k].v;
					size_t		q = month_tail(st, ctx->nums[k].e + 3, y, m, &d, &gran);

					if (!ctx->has_time)
						add_mention(st, h->s, q, false, 0, false, 0, gran);
					else
						add_civil(st, h->s, q, y, m, d ? d : 1, gran);
					return;
				}
				if (f->arg == AZD_NEXT_YEAR)
				{
					if (!ctx->has_time)
						add_mention(st, h->s, e, false, 0, false, 0, 4);
					else
						add_civil(st, h->s, e, y, 1, 1, 4);
				}
				return;
			}
		case AZD_Q1:
		case AZD_Q2:
		case AZD_Q3:
		case AZD_Q4:
		case AZD_NEXT_QUARTER:
			{
				int			qn,
							y = st->ty;
				int32_t		qs,
							qe;

				if (!ctx->has_time)
				{
					add_mention(st, h->s, e, false, 0, false, 0, 3);
					return;
				}
				if (f->arg == AZD_NEXT_QUARTER)
				{
					qn = (st->tm - 1) / 3 + 2;
					if (qn > 4)
					{
						qn = 1;
						y++;
					}
				}
				else
					qn = f->arg - AZD_Q1 + 1;
				qs = az_days_from_civil(y, qn * 3 - 2, 1);
				qe = az_days_from_civil(y, qn * 3, days_in_month(y, qn * 3));
				if (qs > ctx->today)
					add_civil(st, h->s, e, y, qn * 3 - 2, 1, 3);
				else if (qe >= ctx->today)
					add_civil(st, h->s, e, y, qn * 3, days_in_month(y, qn * 3), 3);
				else
					add_civil(st, h->s, e, y + 1, qn * 3 - 2, 1, 3);
				return;
			}
		case AZD_EN_MONTH:
			{
				int			m = f->w,
							d = 0,
							gran = 2,
							y;
				const char *unit_name;	/* "July 30 tons" is not a date */
				size_t		s = h->s,
							q = e,
							b = h->s;
				long		k;

				if (q < n && t[q] == '.')
					q++;
				q = az_skip_sp(t, n, q);
				k = num_at(ctx, q);
				if (k >= 0 && ctx->nums[k].s == q && small_int(&ctx->nums[k], 1, 31) &&
					!(ctx->nums[k].flags & AZN_CHINESE) &&
					az_match_unit(t, n, az_skip_sp(t, n, ctx->nums[k].e), &unit_name) == 0)
				{
					d = (int) ctx->nums[k].v;
					gran = 0;
					q = ctx->nums[k].e;
					if (az_at(t, n, q, "st") || az_at(t, n, q, "nd") || az_at(t, n, q, "rd") ||
						az_at(t, n, q, "th"))
						q += 2;
				}
				else
				{
					/* "15 July", "15th of July" */
					while (b > 0 && t[b - 1] == ' ')
						b--;
					if (b >= 3 && az_at(t, n, b - 2, "of"))
					{
						b -= 2;
						while (b > 0 && t[b - 1] == ' ')
							b--;
					}
					if (b >= 2 && (az_at(t, n, b - 2, "st") || az_at(t, n, b - 2, "nd") ||
								   az_at(t, n, b - 2, "rd") || az_at(t, n, b - 2, "th")))
						b -= 2;
					if (b > 0 && az_isdigit((unsigned char) t[b - 1]))
					{
						size_t		ds = b;

						while (ds > 0 && az_isdigit((unsigned char) t[ds - 1]) && b - ds < 3)
							ds--;
						k = num_at(ctx, ds);
						if (k >= 0 && ctx->nums[k].s == ds && small_int(&ctx->nums[k], 1, 31) &&
							!(ctx->nums[k].flags & AZN_USED))
						{
							d = (int) ctx->nums[k].v;
							gran = 0;
							s = ds;
							q = e;
						}
					}
					if (d == 0)
						q = e;
				}
				if (d == 0)
				{
					/* early/mid/late/end of <month> */
					size_t		bb = h->s;

					while (bb > 0 && (t[bb - 1] == ' ' || t[bb - 1] == '-'))
						bb--;
					if (bb >= 5 && az_at(t, n, bb - 5, "early"))
					{
						d = 5;
						gran = 1;
						s = bb - 5;
					}
					else if (bb >= 3 && az_at(t, n, bb - 3, "mid"))
					{
						d = 15;
						gran = 1;
						s = bb - 3;
					}
					else if (bb >= 4 && az_at(t, n, bb - 4, "late"))
					{
						d = 25;
						gran = 1;
						s = bb - 4;
					}
					else if (bb >= 6 && az_at(t, n, bb - 6, "end of"))
					{
						d = 31;
						gran = 1;
						s = bb - 6;
					}
					else if (m == 5)
						return;	/* "may" alone is a verb */
					else if (h->e - h->s < strlen(en_month_full[m - 1]))
						return;	/* "mar", "dec" alone are too ambiguous */
				}
				/* year after: "July 15, 2024" */
				{
					size_t		r = q;

					if (r < n && t[r] == ',')
						r++;
					k = num_at(ctx, r);
					if (k >= 0 && ctx->nums[k].ndigits == 4 && ctx->nums[k].v >= 1970 &&
						ctx->nums[k].v <= 2200)
					{
						y = (int) ctx->nums[k].v;
						q = ctx->nums[k].e;
					}
					else
						y = pick_year(st, m, d ? d : 28);
				}
				if (!ctx->has_time && y == 2000)
				{
					add_mention(st, s, q, false, 0, false, 0, gran);
					return;
				}
				if (d > days_in_month(y, m))
					d = days_in_month(y, m);
				add_civil(st, s, q, y, m, d ? d : 1, gran);
				return;
			}
		default:
			return;
	}
}

void
az_find_dates(az_ctx *ctx)
{
	dstate		st;
	size_t		ni = 0,
				hi = 0;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	if (ctx->has_time)
	{
		az_civil_from_days(ctx->today, &st.ty, &st.tm, &st.td);
		st.wd = (int) (((ctx->today % 7) + 7 + 3) % 7);
	}
	else
	{
		st.ty = 2000;
		st.tm = 1;
		st.td = 1;
	}
	/* merge number tokens and date-word hits in text order */
	while (ni < ctx->nnums || hi < ctx->nhits)
	{
		const az_feat *f = NULL;

		while (hi < ctx->nhits && !(f = az_hit_feat(ctx, &ctx->hits[hi], AZK_DATE)))
			hi++;
		if (hi < ctx->nhits &&
			(ni >= ctx->nnums || ctx->hits[hi].s <= ctx->nums[ni].s))
		{
			if (ctx->hits[hi].s >= st.consumed)
				from_hit(&st, &ctx->hits[hi], f);
			hi++;
		}
		else if (ni < ctx->nnums)
		{
			if (ctx->nums[ni].s >= st.consumed && !(ctx->nums[ni].flags & AZN_USED))
				from_number(&st, ni);
			ni++;
		}
		if (ctx->ndates >= AZ_MAX_DATES)
			break;
	}
}
