package org.sparkrnn.driver.exec;

/**
 * A pseudo-random permutation of {@code [0, n)} chosen by a key, computed index by index in O(1) memory: a balanced
 * Feistel network over the smallest even number of bits that covers n, walked again while the image falls outside
 * {@code [0, n)} (cycle walking keeps it a bijection of the smaller domain; fewer than four walks on average). This
 * is what lets every partition find, from its sequences' global indexes alone, where each lands in an epoch's
 * shuffled order, without the permutation of all n ever being built anywhere.
 */
final class IndexPermutation {

    private static final int ROUNDS = 6;

    private final long n;
    private final int halfBits;
    private final long halfMask;
    private final long[] roundKeys = new long[ROUNDS];

    IndexPermutation(long n, long key) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation of no element");
        }
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        long k = key;
        for (int r = 0; r < ROUNDS; r++) {
            k = mix(k + 0x9E3779B97F4A7C15L);
            roundKeys[r] = k;
        }
    }

    /** The image of {@code index} (0 ≤ index < n). */
    long apply(long index) {
        long x = index;
        do {
            x = feistel(x);
        } while (x >= n);
        return x;
    }

    private long feistel(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (mix(right ^ roundKeys[r]) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
