package org.sparkrnn.driver.data.records;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The characters of a text corpus, sorted by code point; a character's id is its position. Stored with a model so
 * that sampling and prediction map ids back to text.
 */
public record Vocabulary(String symbols) implements Serializable {

    public static Vocabulary of(String distinctSymbols) {
        char[] chars = distinctSymbols.toCharArray();
        Arrays.sort(chars);
        StringBuilder unique = new StringBuilder();
        for (int i = 0; i < chars.length; i++) {
            if (i == 0 || chars[i] != chars[i - 1]) {
                unique.append(chars[i]);
            }
        }
        return new Vocabulary(unique.toString());
    }

    public int size() {
        return symbols.length();
    }

    /** The id of {@code c}, or −1 when the vocabulary lacks it. */
    public int idOf(char c) {
        int at = Arrays.binarySearch(symbols.toCharArray(), c);
        return at < 0 ? -1 : at;
    }

    public char symbol(int id) {
        return symbols.charAt(id);
    }

    /** Ids of every character of {@code text}; throws on one the vocabulary lacks. */
    public int[] encode(String text) {
        char[] sorted = symbols.toCharArray();
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            int at = Arrays.binarySearch(sorted, text.charAt(i));
            if (at < 0) {
                throw new IllegalArgumentException("character " + (int) text.charAt(i) + " is not in the vocabulary");
            }
            ids[i] = at;
        }
        return ids;
    }
}
