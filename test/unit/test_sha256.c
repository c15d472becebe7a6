/*
 * test_sha256.c -- FIPS 180-4 SHA-256 against the NIST example vectors
 * (FIPS 180-2 appendix B / NIST CSRC examples) and padding-boundary lengths
 * whose digests were computed independently (Python hashlib).  Also checks
 * that streaming in odd-sized chunks equals the one-shot digest.
 * TAP-style output; exit status 1 on any failure.
 */
#include "sha256.h"

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
check_hex(const void *data, size_t len, const char *want, const char *desc)
{
	char		got[65];

	sha256_hex(data, len, got);
	if (strcmp(got, want) != 0)
		printf("# got  %s\n# want %s\n", got, want);
	check(strcmp(got, want) == 0, desc);
}

static void
digest_to_hex(const uint8_t d[32], char out[65])
{
	int			i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int
main(void)
{
	char	   *million;
	uint8_t		pat[200];
	size_t		i;
	static const struct
	{
		size_t		n;
		const char *hex;
	}			bounds[] = {
		{55, "576a1bf8d4478657e6dc4af9398544765c2a92cde28478b019235cfed315fc09"},
		{56, "9b20501dfd1d99161c257950f3444f3e49230c351c5c8e0943ef369f85f5205d"},
		{63, "30b345906b493f06f69444b6521113511c242f30e29840462950035043682f1e"},
		{64, "d8bc63b4fc1156e5e7d95a418b9bf54cd3174bedbc2db40f74895349b229b3c0"},
		{65, "1ee23b0fbcaecc1aff4a9e8f1645f35ab2c8e13609cd73b68df8b5e3f63ce073"},
		{119, "7a6589821178918ca8d9edaba5abfc1e9b2669564f4469b66885379c1530b2c8"},
		{120, "655250427d56b1b0eeb8497d21428704273458a01772d6881b65c0abac0f8a98"},
	};

	check_hex("abc", 3,
			  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			  "NIST one-block message \"abc\"");
	check_hex("", 0,
			  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			  "NIST empty message");
	check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
			  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
			  "NIST 448-bit two-block message");
	check_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
			  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
			  "NIST 896-bit message");

	million = malloc(1000000);
	if (!million)
		return 2;
	memset(million, 'a', 1000000);
	check_hex(million, 1000000,
			  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
			  "NIST one million 'a' (one-shot)");
	{
		/* Same million bytes streamed in chunks of 1..97 bytes. */
		sha256_ctx	ctx;
		uint8_t		d[32];
		char		hex[65];
		size_t		off = 0,
					step = 1;

		sha256_init(&ctx);
		while (off < 1000000)
		{
			size_t		n = step;

			if (n > 1000000 - off)
				n = 1000000 - off;
			sha256_update(&ctx, million + off, n);
			off += n;
			step = step % 97 + 1;
		}
		sha256_final(&ctx, d);
		digest_to_hex(d, hex);
		check(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
			  "NIST one million 'a' streamed in odd-sized chunks");
	}
	free(million);

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t) (i * 7 & 255);
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++)
	{
		char		desc[80];

		snprintf(desc, sizeof(desc), "padding boundary length %zu", bounds[i].n);
		check_hex(pat, bounds[i].n, bounds[i].hex, desc);
	}
	{
		/* A zero-length update in the middle must not change anything. */
		sha256_ctx	ctx;
		uint8_t		d[32];
		char		hex[65];

		sha256_init(&ctx);
		sha256_update(&ctx, "ab", 2);
		sha256_update(&ctx, "", 0);
		sha256_update(&ctx, "c", 1);
		sha256_final(&ctx, d);
		digest_to_hex(d, hex);
		check(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0,
			  "\"ab\" + empty update + \"c\" equals \"abc\"");
	}
	printf("1..%d\n", n_tests);
	return n_fail ? 1 : 0;
}
