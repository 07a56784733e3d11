/*
 * rng.h - the simulator's random numbers (internal): xoshiro256**, its
 * uniform doubles and integers, and a ziggurat standard normal, inline
 * because the Monte Carlo loop draws several per iteration and a call
 * through gsl_rng's function pointer cost more than the draw itself.
 *
 * Not thread-safe per generator: each worker (and each block of
 * iterations) has its own pci_rng, seeded with pci_rng_seed().
 */
#ifndef PRECEDENT_RNG_H
#define PRECEDENT_RNG_H

#include <stdint.h>

/* xoshiro256** state: 256 bits, never all zero. */
typedef struct pci_rng {
	uint64_t s[4];
} pci_rng;

/* Seed r from one 64-bit value: four outputs of splitmix64 started at
 * seed (what the generator's authors recommend, so that nearby seeds,
 * such as consecutive block numbers, give unrelated streams).  Also
 * builds the ziggurat tables on first use (thread-safe). */
void pci_rng_seed(pci_rng *r, uint64_t seed);

/* Set r's state word by word, as the published reference outputs are
 * given (not all zero); for tests.  Builds the tables like pci_rng_seed. */
void pci_rng_set_state(pci_rng *r, const uint64_t s[4]);

static inline uint64_t pci_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/*
 * The next 64 bits: xoshiro256** of D. Blackman and S. Vigna,
 * "Scrambled linear pseudorandom number generators", ACM Transactions on
 * Mathematical Software 47(4), 2021 (reference code and outputs at
 * https://prng.di.unimi.it/).  Period 2^256 - 1, passes BigCrush, and
 * every bit is usable, which the ziggurat below relies on (it takes the
 * layer from the low bits).
 */
static inline uint64_t pci_rng_next(pci_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = pci_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = pci_rng_rotl(s[3], 45);
	return out;
}

/* A uniform double in [0, 1): the top 53 bits, so every value is a
 * multiple of 2^-53 and all 2^53 of them are equally likely. */
static inline double pci_rng_uniform(pci_rng *r)
{
	return (double)(pci_rng_next(r) >> 11) * 0x1p-53;
}

/* A uniform double in (0, 1), for logarithms and quantiles: the top 52
 * bits at the middle of their cell, (2k + 1) 2^-53, exact in a double,
 * so neither 0 nor 1 can come out. */
static inline double pci_rng_uniform_pos(pci_rng *r)
{
	return ((double)(pci_rng_next(r) >> 12) + 0.5) * 0x1p-52;
}

/* A uniform integer in [0, n), n >= 1, without bias: D. Lemire, "Fast
 * random integer generation in an interval", ACM Transactions on
 * Modeling and Computer Simulation 29(1), 2019 (multiply, and reject
 * the few low products that would favour some values). */
static inline uint64_t pci_rng_below(pci_rng *r, uint64_t n)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 m = (unsigned __int128)pci_rng_next(r) * n;

	if ((uint64_t)m < n) {
		uint64_t floor = (0 - n) % n; /* 2^64 mod n */
		while ((uint64_t)m < floor)
			m = (unsigned __int128)pci_rng_next(r) * n;
	}
	return (uint64_t)(m >> 64);
#else
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = pci_rng_next(r);
	while (x >= lim);
	return x % n;
#endif
}

/* The ziggurat's 256 layers (rng.c): x[i] the right edge of layer i
 * (x[0]: the base strip's width including the tail, x[256] = 0), f[i] =
 * exp(-x[i]^2 / 2). */
#define PCI_ZIG_LAYERS 256
extern double pci_zig_x[PCI_ZIG_LAYERS + 1];
extern double pci_zig_f[PCI_ZIG_LAYERS + 1];

/* The rare part of a normal draw (the wedges and the tail), given the
 * bits u and the candidate x that fell outside layer i's inner box. */
double pci_rng_normal_slow(pci_rng *r, uint64_t u, double x, unsigned i);

/*
 * A standard normal draw by the ziggurat method (G. Marsaglia and
 * W. W. Tsang, "The ziggurat method for generating random variables",
 * Journal of Statistical Software 5(8), 2000), with 256 layers.  One
 * 64-bit draw gives the layer (bits 0-7), the sign (bit 8) and the
 * uniform (bits 11-63): disjoint bits, so they are independent (J. A.
 * Doornik, "An improved ziggurat method to generate normal random
 * samples", 2005, showed the flaw of reusing the same bits).  About 99%
 * of draws take the first branch.
 */
static inline double pci_rng_normal(pci_rng *r)
{
	uint64_t u = pci_rng_next(r);
	unsigned i = (unsigned)(u & 0xff);
	double x = (double)(u >> 11) * 0x1p-53 * pci_zig_x[i];

	if (x < pci_zig_x[i + 1])
		return u & 0x100 ? -x : x;
	return pci_rng_normal_slow(r, u, x, i);
}

#endif
