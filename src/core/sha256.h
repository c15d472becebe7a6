/* sha256.h -- FIPS 180-4 SHA-256, server-independent (no postgres.h). */
#ifndef COMMHUB_SHA256_H
#define COMMHUB_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx
{
	uint32_t	state[8];
	uint64_t	bitlen;
	uint8_t		buf[64];
	size_t		buflen;
} sha256_ctx;

void		sha256_init(sha256_ctx *ctx);
void		sha256_update(sha256_ctx *ctx, const void *data, size_t len);
void		sha256_final(sha256_ctx *ctx, uint8_t out[32]);
/* One-shot: writes 64 lowercase hex digits and a NUL into out. */
void		sha256_hex(const void *data, size_t len, char out[65]);

#endif
