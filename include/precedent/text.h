/*
 * text.h - names from users' files, made safe to show on a terminal.
 *
 * Customer, project and phase names come from CSV files written by
 * anybody.  Printed raw, a name holding ESC [ 2 J clears the reader's
 * screen, and OSC 52 can write to the clipboard of some terminals.  Text
 * for people (tables, messages) goes through pc_text_escape; machine
 * formats (JSON, CSV) keep the exact bytes.
 */
#ifndef PRECEDENT_TEXT_H
#define PRECEDENT_TEXT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if the n bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. */
int pc_text_utf8_valid(const char *s, size_t n);

/* 1 if pc_text_escape would change s, else 0 (no allocation: the common
 * case of a plain name costs one pass). */
int pc_text_needs_escape(const char *s);

/* s with everything a terminal could act on written as visible escapes:
 * the C0 controls and DEL as \xHH (ESC is \x1b, a line break \x0a), the
 * C1 controls U+0080..U+009F and the bidirectional overrides and
 * isolates U+202A..U+202E, U+2066..U+2069 (which reorder what follows
 * them) as \uHHHH, and a byte that is not part of well-formed UTF-8 as
 * \xHH.  Everything else, other UTF-8 included, is copied.  A backslash
 * is copied as it is, so the escaped text of a name that spells "\x1b"
 * looks the same as that of one holding ESC: the escapes are for
 * reading, not for parsing back.  Returns a malloc'ed string for the
 * caller to free, or NULL when out of memory. */
char *pc_text_escape(const char *s);

#ifdef __cplusplus
}
#endif
#endif
