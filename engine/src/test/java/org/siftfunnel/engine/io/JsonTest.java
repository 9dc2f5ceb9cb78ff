package org.siftfunnel.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict JSON parser and the writer: what parses to what, what is refused, and round trips. */
class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, -0.25e2, 1E3, 0], \"b\": {\"c\": null, \"d\": true, \"e\": false},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u263A\"} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", List.of(1L, -2L, 3.5, -25.0, 1000.0, 0L));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("c", null);
        b.put("d", true);
        b.put("e", false);
        expected.put("b", b);
        expected.put("s", "q\"\\/\b\f\n\r\té☺");
        assertEquals(expected, v);
    }

    @Test
    void integersBeyondLongBecomeDoubles() {
        assertEquals(9223372036854775807L, Json.parse("9223372036854775807"));
        assertEquals(1e23, Json.parse("100000000000000000000000"));
    }

    @Test
    void objectsKeepKeyOrder() {
        Object v = Json.parse("{\"z\":1,\"a\":2,\"m\":3}");
        assertEquals(List.of("z", "a", "m"), List.copyOf(((Map<?, ?>) v).keySet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "-", "1.", ".5",
            "1e", "1e+", "+1", "NaN", "Infinity", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u-123\"", "\"\\u+123\"",
            "\"tab\there\"", "[1] 2", "{\"a\":1,\"a\":2}", "/* c */ 1", "0x10"})
    void refusesMalformedDocuments(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text), "'" + text + "'");
        assertTrue(e.getMessage().startsWith("invalid JSON at character"), e.getMessage());
    }

    @Test
    void refusesDeepNestingWithoutOverflowingTheStack() {
        char[] deep = new char[200_000];
        Arrays.fill(deep, '[');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(new String(deep)));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        // Moderate nesting is fine.
        assertEquals(List.of(List.of(List.of())), Json.parse("[[[]]]"));
    }

    @Test
    void writeThenParseRoundTrips() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "a \"quoted\" \\ name\nwith\tcontrol \u0001 chars ☃");
        doc.put("count", 42L);
        doc.put("ratio", 0.125);
        doc.put("whole", 3.0);
        doc.put("list", List.of(1L, 2L, List.of("x")));
        doc.put("nothing", null);
        doc.put("flag", true);
        doc.put("empty", Map.of());
        assertEquals(doc, Json.parse(Json.write(doc)));
        assertEquals(doc, Json.parse(Json.writePretty(doc)));
    }

    @Test
    void writesPrimitiveArraysAndNonFiniteAsNull() {
        assertEquals("[1,2]", Json.write(new int[] {1, 2}));
        assertEquals("[3,4]", Json.write(new long[] {3, 4}));
        assertEquals("[0.5,1.0]", Json.write(new float[] {0.5f, 1f}));
        assertEquals("[null,null]", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY)));
        assertEquals(List.of(0.1), Json.parse(Json.write(new float[] {0.1f})),
                "a float prints as its shortest decimal (0.1), not as the widened double");
    }
}
