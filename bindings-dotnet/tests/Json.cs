using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MessengerConnect.Tests
{
    /// <summary>
    /// A small JSON reader and writer for the tests (no JSON library is available on
    /// netstandard2.0/Mono 6.8 here). Values: objects are <c>Dictionary&lt;string, object&gt;</c>
    /// (keys in document order), arrays <c>List&lt;object&gt;</c>, numbers <c>long</c> when they
    /// are integers that fit, else <c>double</c>, strings, <c>bool</c> and <c>null</c>.
    /// </summary>
    public static class Json
    {
        /// <summary>Parses one JSON document; throws <see cref="FormatException"/> with the offset when it is not JSON.</summary>
        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            var reader = new Reader(text);
            object value = reader.ReadValue();
            reader.SkipWhitespace();
            if (!reader.AtEnd) throw reader.Error("text after the JSON value");
            return value;
        }

        /// <summary>Writes a value as compact JSON: dictionaries with string keys, lists and arrays, strings, numbers, booleans, null.</summary>
        public static string Write(object value)
        {
            var sb = new StringBuilder();
            WriteValue(sb, value);
            return sb.ToString();
        }

        /// <summary>Whether a value is a JSON number (any of the numeric types this reader or a caller uses).</summary>
        public static bool IsNumber(object value)
        {
            return value is long || value is int || value is double || value is uint || value is ulong
                || value is ushort || value is short || value is byte || value is float || value is decimal;
        }

        /// <summary>A JSON number as a double (for comparisons).</summary>
        public static double ToDouble(object value)
        {
            return Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }

        /// <summary>The value at <paramref name="key"/> of an object, or null when absent (or not an object).</summary>
        public static object Get(object obj, string key)
        {
            var map = obj as Dictionary<string, object>;
            object value;
            return map != null && map.TryGetValue(key, out value) ? value : null;
        }

        /// <summary>Whether an object has <paramref name="key"/> (even with a null value).</summary>
        public static bool Has(object obj, string key)
        {
            var map = obj as Dictionary<string, object>;
            return map != null && map.ContainsKey(key);
        }

        private static void WriteValue(StringBuilder sb, object value)
        {
            if (value == null) { sb.Append("null"); return; }
            if (value is string) { WriteString(sb, (string)value); return; }
            if (value is bool) { sb.Append((bool)value ? "true" : "false"); return; }
            if (value is double || value is float || value is decimal)
            {
                double d = ToDouble(value);
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new ArgumentException("JSON has no NaN or infinity");
                sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            if (IsNumber(value)) { sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); return; }
            var dict = value as IDictionary;
            if (dict != null)
            {
                sb.Append('{');
                bool first = true;
                foreach (DictionaryEntry e in dict)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, (string)e.Key);
                    sb.Append(':');
                    WriteValue(sb, e.Value);
                }
                sb.Append('}');
                return;
            }
            var list = value as IEnumerable;
            if (list != null)
            {
                sb.Append('[');
                bool first = true;
                foreach (object item in list)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteValue(sb, item);
                }
                sb.Append(']');
                return;
            }
            throw new ArgumentException("no JSON form for " + value.GetType().FullName);
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                        else sb.Append(c); // surrogate pairs pass through as UTF-16, as they are
                        break;
                }
            }
            sb.Append('"');
        }

        /// <summary>A recursive-descent reader over the text.</summary>
        private sealed class Reader
        {
            private readonly string _s;
            private int _i;
            private int _depth;

            /// <summary>A reader at the start of <paramref name="s"/>.</summary>
            public Reader(string s) { _s = s; }

            /// <summary>Whether the whole text has been read.</summary>
            public bool AtEnd { get { return _i >= _s.Length; } }

            /// <summary>A <see cref="FormatException"/> naming what is wrong and where.</summary>
            public FormatException Error(string what)
            {
                return new FormatException("JSON: " + what + " at offset " + _i);
            }

            /// <summary>Skips JSON whitespace (space, tab, newline, carriage return).</summary>
            public void SkipWhitespace()
            {
                while (_i < _s.Length && (_s[_i] == ' ' || _s[_i] == '\t' || _s[_i] == '\n' || _s[_i] == '\r')) _i++;
            }

            /// <summary>Reads one value at the current position.</summary>
            public object ReadValue()
            {
                SkipWhitespace();
                if (AtEnd) throw Error("unexpected end");
                char c = _s[_i];
                switch (c)
                {
                    case '{': return ReadObject();
                    case '[': return ReadArray();
                    case '"': return ReadString();
                    case 't': Expect("true"); return true;
                    case 'f': Expect("false"); return false;
                    case 'n': Expect("null"); return null;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                        throw Error("unexpected character '" + c + "'");
                }
            }

            private void Expect(string word)
            {
                if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) throw Error("expected " + word);
                _i += word.Length;
            }

            private void Enter()
            {
                if (++_depth > 512) throw Error("nested too deeply");
                _i++;
            }

            private Dictionary<string, object> ReadObject()
            {
                Enter();
                var map = new Dictionary<string, object>();
                SkipWhitespace();
                if (!AtEnd && _s[_i] == '}') { _i++; _depth--; return map; }
                while (true)
                {
                    SkipWhitespace();
                    if (AtEnd || _s[_i] != '"') throw Error("expected a string key");
                    string key = ReadString();
                    SkipWhitespace();
                    if (AtEnd || _s[_i] != ':') throw Error("expected ':'");
                    _i++;
                    map[key] = ReadValue();
                    SkipWhitespace();
                    if (AtEnd) throw Error("unclosed object");
                    if (_s[_i] == ',') { _i++; continue; }
                    if (_s[_i] == '}') { _i++; _depth--; return map; }
                    throw Error("expected ',' or '}'");
                }
            }

            private List<object> ReadArray()
            {
                Enter();
                var list = new List<object>();
                SkipWhitespace();
                if (!AtEnd && _s[_i] == ']') { _i++; _depth--; return list; }
                while (true)
                {
                    list.Add(ReadValue());
                    SkipWhitespace();
                    if (AtEnd) throw Error("unclosed array");
                    if (_s[_i] == ',') { _i++; continue; }
                    if (_s[_i] == ']') { _i++; _depth--; return list; }
                    throw Error("expected ',' or ']'");
                }
            }

            private string ReadString()
            {
                _i++; // the opening quote
                var sb = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Error("unclosed string");
                    char c = _s[_i++];
                    if (c == '"') return sb.ToString();
                    if (c < 0x20) throw Error("control character in a string");
                    if (c != '\\') { sb.Append(c); continue; }
                    if (AtEnd) throw Error("unclosed escape");
                    char e = _s[_i++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u': sb.Append(ReadUnicodeEscape()); break;
                        default: throw Error("unknown escape \\" + e);
                    }
                }
            }

            /// <summary>After <c>\u</c>: one UTF-16 unit, or a high and low surrogate pair written as two escapes.</summary>
            private string ReadUnicodeEscape()
            {
                char first = ReadHex4();
                if (!char.IsHighSurrogate(first)) return first.ToString();
                if (_i + 6 <= _s.Length && _s[_i] == '\\' && _s[_i + 1] == 'u')
                {
                    int at = _i;
                    _i += 2;
                    char second = ReadHex4();
                    if (char.IsLowSurrogate(second)) return new string(new[] { first, second });
                    _i = at; // a lone high surrogate followed by another escape
                }
                return first.ToString();
            }

            private char ReadHex4()
            {
                if (_i + 4 > _s.Length) throw Error("short \\u escape");
                int v;
                if (!int.TryParse(_s.Substring(_i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v))
                    throw Error("bad \\u escape");
                _i += 4;
                return (char)v;
            }

            private object ReadNumber()
            {
                int start = _i;
                if (_s[_i] == '-') _i++;
                if (AtEnd || !char.IsDigit(_s[_i])) throw Error("bad number");
                if (_s[_i] == '0') _i++;
                else while (!AtEnd && char.IsDigit(_s[_i])) _i++;
                bool integer = true;
                if (!AtEnd && _s[_i] == '.')
                {
                    integer = false;
                    _i++;
                    if (AtEnd || !char.IsDigit(_s[_i])) throw Error("bad fraction");
                    while (!AtEnd && char.IsDigit(_s[_i])) _i++;
                }
                if (!AtEnd && (_s[_i] == 'e' || _s[_i] == 'E'))
                {
                    integer = false;
                    _i++;
                    if (!AtEnd && (_s[_i] == '+' || _s[_i] == '-')) _i++;
                    if (AtEnd || !char.IsDigit(_s[_i])) throw Error("bad exponent");
                    while (!AtEnd && char.IsDigit(_s[_i])) _i++;
                }
                string text = _s.Substring(start, _i - start);
                long l;
                if (integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
                return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
    }
}
