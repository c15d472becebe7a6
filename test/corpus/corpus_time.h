/*
 * corpus_time.h -- the labeled corpora's "time" field as epoch microseconds
 * ("2024-06-15T09:30:00+08:00", "...Z", no zone = +08:00), shared by the
 * evaluator (eval.c) and the model trainer's dump (model_dump.c).
 */
#ifndef COMMHUB_CORPUS_TIME_H
#define COMMHUB_CORPUS_TIME_H

#include <stdint.h>
#include <stdio.h>

static long
days_from_civil(int y, int m, int d)
{
	long		era;
	unsigned	yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long) doe - 719468;
}

/* "2024-06-15T09:30:00+08:00" / "...Z" / no zone = +08:00. 0 on error. */
static int64_t
parse_time(const char *s)
{
	int			y,
				mo,
				d,
				h = 0,
				mi = 0,
				se = 0,
				n = 0;
	long		off = 8 * 3600;
	const char *z;

	if (!s || sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) != 3)
		return 0;
	z = s + n;
	if (*z == 'T' || *z == ' ')
	{
		int			k = 0;

		if (sscanf(z + 1, "%d:%d:%d%n", &h, &mi, &se, &k) == 3)
			z += 1 + k;
		else if (sscanf(z + 1, "%d:%d%n", &h, &mi, &k) == 2)
			z += 1 + k;
	}
	if (*z == '.')
		while (*++z >= '0' && *z <= '9')
			;
	if (*z == 'Z')
		off = 0;
	else if (*z == '+' || *z == '-')
	{
		int			oh = 0,
					om = 0;

		if (sscanf(z + 1, "%d:%d", &oh, &om) >= 1)
		{
			if (oh > 100)
			{
				om = oh % 100;
				oh /= 100;
			}
			off = (oh * 3600L + om * 60L) * (*z == '-' ? -1 : 1);
		}
	}
	return ((int64_t) days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off) *
		1000000;
}

#endif
