/* text.c - terminal-safe text (see text.h). */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/text.h>

/* The length of the well-formed UTF-8 sequence at s (at most n bytes)
 * and its code point in *cp, or 0 if s does not start one. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0], need, min;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		need = 1, min = 0x80, v = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2, min = 0x800, v = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		need = 3, min = 0x10000, v = c & 0x07;
	} else {
		return 0;
	}
	for (unsigned k = 1; k <= need; k++) {
		if (k >= n || (s[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need + 1;
}

int pc_text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_seq(p + i, n - i, &cp)))
			return 0;
	return 1;
}

/* Does a terminal act on code point cp? */
static int active(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int pc_text_needs_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	uint32_t cp;

	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_seq(p + i, n - i, &cp)) || active(cp))
			return 1;
	return 0;
}

char *pc_text_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len = 0;
	/* the worst case: every byte a four-byte \xHH */
	char *out = malloc(4 * n + 1);
	uint32_t cp;

	if (!out)
		return NULL;
	for (size_t i = 0, k; i < n; i += k) {
		k = utf8_seq(p + i, n - i, &cp);
		if (!k) {
			len += (size_t)sprintf(out + len, "\\x%02x", p[i]);
			k = 1;
		} else if (cp < 0x80 && active(cp)) {
			len += (size_t)sprintf(out + len, "\\x%02x", (unsigned)cp);
		} else if (active(cp)) {
			/* 2 or 3 bytes in, 6 out: within 4 per byte */
			len += (size_t)sprintf(out + len, "\\u%04x", (unsigned)cp);
		} else {
			memcpy(out + len, p + i, k);
			len += k;
		}
	}
	out[len] = '\0';
	return out;
}
