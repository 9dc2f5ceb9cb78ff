package org.siftfunnel.model.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dictionary in an NPY header, parsed strictly: a Python dict literal with exactly the
 * keys {@code 'descr'} (a string), {@code 'fortran_order'} ({@code True}/{@code False}) and
 * {@code 'shape'} (a tuple of non-negative integers), then only padding spaces and the
 * closing newline. Anything else is rejected with the position of the problem.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {
    private static final int MAX_RANK = 8;

    static NpyHeader parse(String file, String text) throws DataFileException {
        return new Parser(file, text).header();
    }

    private static final class Parser {
        private final String file;
        private final String s;
        private int pos;

        Parser(String file, String s) {
            this.file = file;
            this.s = s;
        }

        private DataFileException error(String what) {
            String shown = s.length() > 120 ? s.substring(0, 120) + "..." : s;
            return new DataFileException(file, "invalid NPY header at character " + pos + ": " + what + " (header: "
                    + shown.strip() + ")");
        }

        NpyHeader header() throws DataFileException {
            Map<String, Object> dict = new LinkedHashMap<>();
            skipWs();
            expect('{');
            skipWs();
            while (peek() != '}') {
                String key = string();
                skipWs();
                expect(':');
                skipWs();
                Object value = value();
                if (dict.put(key, value) != null) {
                    throw error("duplicate key '" + key + "'");
                }
                skipWs();
                if (peek() == ',') {
                    pos++;
                    skipWs();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\0') {
                    throw error("unexpected text after the dictionary");
                }
                pos++;
            }
            if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
                throw error("expected exactly the keys 'descr', 'fortran_order', 'shape', found " + dict.keySet());
            }
            if (!(dict.get("descr") instanceof String descr)) {
                throw error("'descr' must be a string such as '<f4' or '|u1' (structured dtypes are not supported)");
            }
            if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
                throw error("'fortran_order' must be True or False");
            }
            if (!(dict.get("shape") instanceof int[] shape)) {
                throw error("'shape' must be a tuple of integers");
            }
            return new NpyHeader(descr, fortran, shape);
        }

        private char peek() throws DataFileException {
            if (pos >= s.length()) {
                throw error("unexpected end of header");
            }
            return s.charAt(pos);
        }

        private void expect(char c) throws DataFileException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipWs() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private String string() throws DataFileException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            pos++;
            int start = pos;
            while (peek() != quote) {
                if (s.charAt(pos) == '\\' || s.charAt(pos) == '\n') {
                    throw error("escapes and newlines are not allowed in header strings");
                }
                pos++;
            }
            String v = s.substring(start, pos);
            pos++;
            return v;
        }

        private Object value() throws DataFileException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("expected a string, a tuple, True or False");
        }

        private int[] tuple() throws DataFileException {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            boolean trailingComma = false;
            skipWs();
            while (peek() != ')') {
                trailingComma = false;
                int start = pos;
                long v = 0;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    v = v * 10 + (s.charAt(pos) - '0');
                    if (v > Integer.MAX_VALUE) {
                        throw error("dimension larger than " + Integer.MAX_VALUE);
                    }
                    pos++;
                }
                if (pos == start) {
                    throw error("expected a non-negative integer dimension");
                }
                dims.add((int) v);
                if (dims.size() > MAX_RANK) {
                    throw error("more than " + MAX_RANK + " dimensions");
                }
                skipWs();
                if (peek() == ',') {
                    pos++;
                    trailingComma = true;
                    skipWs();
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape tuple");
                }
            }
            if (dims.size() == 1 && !trailingComma) {
                throw error("a one-dimensional shape is written (n,), with a comma");
            }
            pos++;
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
