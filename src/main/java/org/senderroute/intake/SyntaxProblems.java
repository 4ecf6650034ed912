package org.senderroute.intake;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Says what kind of syntax problem the parser met, and where, in words of its own: the parser's messages quote the
 * text they choke on, and nothing read from an input may reach a log line or a report.
 */
final class SyntaxProblems {

    private SyntaxProblems() {
    }

    /** " at line L column C: KIND", or ": KIND" when the parser gave no position; follows "JSON syntax error". */
    static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String kind = kind(e);
        return at == null || at.getLineNr() < 1 ? ": " + kind
                : " at line " + at.getLineNr() + " column " + at.getColumnNr() + ": " + kind;
    }

    /** The kind of problem, from the parser's message, never quoting it. */
    static String kind(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().toLowerCase(Locale.ROOT);
        if (e instanceof StreamConstraintsException) {
            return m.contains("nesting depth") ? "values nested too deeply" : "a value longer than the parser accepts";
        }
        if (m.contains("end-of-input") || m.contains("unexpected eof") || m.contains("missing closing quote")) {
            return "the file ends in the middle of a value";
        }
        if (m.contains("expected separator")) {
            return "a character after a closing quote (a quote inside a quoted value is written twice)";
        }
        if (m.contains("unexpected close marker")) {
            return "a closing bracket that does not match the open one";
        }
        if (m.contains("comment")) {
            return "a comment (JSON has none)";
        }
        if (m.contains("duplicate field")) {
            return "a key given twice in one object";
        }
        if (m.contains("unrecognized token") || m.contains("non-standard token")) {
            return "a word that is not a JSON value (only true, false, null, numbers and quoted strings are)";
        }
        if (m.contains("unquoted character") || m.contains("illegal character") || m.contains("control character")) {
            return "a control character inside a string (it must be escaped)";
        }
        if (m.contains("character escape") || m.contains("escape sequence")) {
            return "an invalid escape sequence inside a string";
        }
        if (m.contains("root-level")) {
            return "content after the end of the JSON value";
        }
        if (m.contains("colon")) {
            return "a key without a colon after it";
        }
        if (m.contains("double-quote to start field name") || m.contains("field name")) {
            return "a key that is not a string in double quotes";
        }
        if (m.contains("comma")) {
            return "a missing comma or an unexpected character between values";
        }
        if (m.contains("numeric value") || m.contains("leading zero") || m.contains("numbers to have")) {
            return "a number that is not written as JSON numbers are";
        }
        if (m.contains("expected a valid value") || m.contains("unexpected character")) {
            return "a character that cannot start a JSON value";
        }
        if (m.contains("utf-8") || m.contains("utf8") || m.contains("surrogate")) {
            return "bytes that are not UTF-8";
        }
        return "a syntax error";
    }

    /** What a token is, in words: "an object", "a string", "a number"... */
    static String kindOf(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            case VALUE_NULL -> "null";
            default -> "a " + token.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }
}
