/* Unit tests of search_terms(): CJK bigrams and ASCII words. */
#include <stdio.h>
#include <string.h>
#include "search_terms.h"

static char got[2048];
static int	checks = 0, failed = 0;

static void
collect(const char *t, size_t len, void *arg)
{
	(void) arg;
	if (got[0])
		strncat(got, "|", sizeof(got) - strlen(got) - 1);
	strncat(got, t, len < sizeof(got) - strlen(got) - 1 ? len : sizeof(got) - strlen(got) - 1);
}

static void
expect(const char *in, const char *want)
{
	got[0] = '\0';
	search_terms(in, strlen(in), 1000, collect, NULL);
	checks++;
	if (strcmp(got, want) == 0)
		printf("ok %d - terms of \"%s\"\n", checks, in);
	else
	{
		failed++;
		printf("not ok %d - terms of \"%s\": got \"%s\", want \"%s\"\n", checks, in, got, want);
	}
}

int
main(void)
{
	expect("询价", "询价");
	expect("客户询价PCR-ABS", "客户|户询|询价|pcr|abs");
	expect("ＰＣＲ－ＡＢＳ １０００", "pcr|abs|1000");
	expect("报价,15800元/吨", "报价|15800");
	expect("a 询 b", "");
	expect("Quote for PP-T20", "quote|for|pp|t20");
	expect("", "");
	expect("\xff\xfe询价\xe8", "询价");
	printf("1..%d\n", checks);
	return failed != 0;
}
