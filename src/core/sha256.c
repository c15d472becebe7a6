/*
 * sha256.c -- FIPS 180-4 SHA-256 (section 6.2), server independent.
 *
 * Used for attachment checksums and content hashes.  Streaming interface:
 * init, any number of updates, final.  Byte-order independent (big-endian
 * loads/stores are spelled out), no allocation, no global state.
 */
#include "sha256.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256_HAVE_SHANI_PATH 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_block(sha256_ctx *ctx, const uint8_t *p)
{
	uint32_t	w[64];
	uint32_t	a, b, c, d, e, f, g, h;
	int			i;

	for (i = 0; i < 16; i++)
		w[i] = ((uint32_t) p[4 * i] << 24) | ((uint32_t) p[4 * i + 1] << 16) |
			((uint32_t) p[4 * i + 2] << 8) | (uint32_t) p[4 * i + 3];
	for (i = 16; i < 64; i++)
	{
		uint32_t	s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t	s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = ctx->state[0];
	b = ctx->state[1];
	c = ctx->state[2];
	d = ctx->state[3];
	e = ctx->state[4];
	f = ctx->state[5];
	g = ctx->state[6];
	h = ctx->state[7];
	for (i = 0; i < 64; i++)
	{
		uint32_t	S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
		uint32_t	ch = (e & f) ^ (~e & g);
		uint32_t	t1 = h + S1 + ch + sha256_k[i] + w[i];
		uint32_t	S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
		uint32_t	maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t	t2 = S0 + maj;

		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	ctx->state[0] += a;
	ctx->state[1] += b;
	ctx->state[2] += c;
	ctx->state[3] += d;
	ctx->state[4] += e;
	ctx->state[5] += f;
	ctx->state[6] += g;
	ctx->state[7] += h;
}

#ifdef SHA256_HAVE_SHANI_PATH
/*
 * The same compression with the x86 SHA extensions (SHA-NI: sha256rnds2,
 * sha256msg1/2), several times faster than the portable rounds; used when
 * the CPU has them (sha256_blocks picks at first use).  The state is kept
 * in the ABEF/CDGH register layout the instructions want.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
sha256_blocks_shani(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i		st0,
				st1,
				tmp;

	tmp = _mm_loadu_si128((const __m128i *) &state[0]);
	st1 = _mm_loadu_si128((const __m128i *) &state[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);			/* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1B);			/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);			/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);		/* CDGH */
	while (nblocks-- > 0)
	{
		__m128i		abef = st0;
		__m128i		cdgh = st1;
		__m128i		m[4];

		for (int g = 0; g < 16; g++)
		{
			__m128i		msg;

			if (g < 4)
				m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16 * g)), bswap);
			else
				m[g & 3] = _mm_sha256msg2_epu32(
					_mm_add_epi32(_mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]),
								  _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4)),
					m[(g + 3) & 3]);
			msg = _mm_add_epi32(m[g & 3], _mm_loadu_si128((const __m128i *) &sha256_k[4 * g]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
			msg = _mm_shuffle_epi32(msg, 0x0E);
			st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
		}
		st0 = _mm_add_epi32(st0, abef);
		st1 = _mm_add_epi32(st1, cdgh);
		p += 64;
	}
	tmp = _mm_shuffle_epi32(st0, 0x1B);			/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);			/* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0);		/* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);			/* HGFE */
	_mm_storeu_si128((__m128i *) &state[0], st0);
	_mm_storeu_si128((__m128i *) &state[4], st1);
}

static int
cpu_has_shani(void)
{
	unsigned int a,
				b,
				c,
				d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & (1u << 29)) != 0;	/* CPUID.(EAX=7,ECX=0):EBX.SHA */
}
#endif

/* nblocks consecutive 64-byte blocks into the state. */
static void
sha256_blocks(sha256_ctx *ctx, const uint8_t *p, size_t nblocks)
{
#ifdef SHA256_HAVE_SHANI_PATH
	/* -1 unknown; set once (a race only computes the same answer twice) */
	static int	shani = -1;

	if (shani < 0)
		shani = getenv("COMMHUB_SHA256_PORTABLE") ? 0 : cpu_has_shani();
	if (shani)
	{
		sha256_blocks_shani(ctx->state, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		sha256_block(ctx, p);
}

void
sha256_init(sha256_ctx *ctx)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(ctx->state, iv, sizeof(iv));
	ctx->bitlen = 0;
	ctx->buflen = 0;
}

void
sha256_update(sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len == 0)
		return;
	/* Message length is defined modulo 2^64 bits by the standard. */
	ctx->bitlen += (uint64_t) len * 8;
	if (ctx->buflen > 0)
	{
		size_t		take = 64 - ctx->buflen;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->buflen, p, take);
		ctx->buflen += take;
		p += take;
		len -= take;
		if (ctx->buflen < 64)
			return;
		sha256_blocks(ctx, ctx->buf, 1);
		ctx->buflen = 0;
	}
	if (len >= 64)
	{
		sha256_blocks(ctx, p, len / 64);
		p += len - len % 64;
		len %= 64;
	}
	if (len > 0)
	{
		memcpy(ctx->buf, p, len);
		ctx->buflen = len;
	}
}

void
sha256_final(sha256_ctx *ctx, uint8_t out[32])
{
	uint64_t	bitlen = ctx->bitlen;
	int			i;

	/* Padding: 0x80, zeros to 56 mod 64, then the 64-bit big-endian length. */
	ctx->buf[ctx->buflen++] = 0x80;
	if (ctx->buflen > 56)
	{
		memset(ctx->buf + ctx->buflen, 0, 64 - ctx->buflen);
		sha256_blocks(ctx, ctx->buf, 1);
		ctx->buflen = 0;
	}
	memset(ctx->buf + ctx->buflen, 0, 56 - ctx->buflen);
	for (i = 0; i < 8; i++)
		ctx->buf[56 + i] = (uint8_t) (bitlen >> (56 - 8 * i));
	sha256_blocks(ctx, ctx->buf, 1);
	for (i = 0; i < 8; i++)
	{
		out[4 * i] = (uint8_t) (ctx->state[i] >> 24);
		out[4 * i + 1] = (uint8_t) (ctx->state[i] >> 16);
		out[4 * i + 2] = (uint8_t) (ctx->state[i] >> 8);
		out[4 * i + 3] = (uint8_t) ctx->state[i];
	}
	/* Do not leave message-derived state behind. */
	memset(ctx->buf, 0, sizeof(ctx->buf));
	ctx->buflen = 0;
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hexd[] = "0123456789abcdef";
	sha256_ctx	ctx;
	uint8_t		dig[32];
	int			i;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, dig);
	for (i = 0; i < 32; i++)
	{
		out[2 * i] = hexd[dig[i] >> 4];
		out[2 * i + 1] = hexd[dig[i] & 15];
	}
	out[64] = '\0';
}
