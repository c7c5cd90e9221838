# Template strings (t-strings), new in Python 3.14. A t-string is written like an f-string,
# but it does not become text: it builds a Template that keeps the fixed pieces and the
# replacement fields apart, so the code that receives it decides how to join them (to
# escape HTML, quote SQL, or, below, shout).
#   Tokens: TSTRING_START, TSTRING_MIDDLE and TSTRING_END around the field's own tokens.
#   AST: a TemplateStr node, its values the Constant pieces and an Interpolation node.
#   Bytecode: BUILD_INTERPOLATION makes each field, BUILD_TEMPLATE the whole Template.
# Python 3.13 and older cannot read this file: to them t"..." is a name next to a string.
name = "world"
greeting = t"Hello {name}!"

print(type(greeting).__name__)
print(greeting.strings)  # the fixed pieces: one more than the fields
print(greeting.values)  # the fields' values, already evaluated
for field in greeting.interpolations:
    print(field.expression, "=", repr(field.value))


def shout(template):
    """Join a Template's pieces, its fields in capitals."""
    parts = []
    for item in template:  # the pieces and the fields, in order
        if isinstance(item, str):
            parts.append(item)
        else:
            parts.append(str(item.value).upper())
    return "".join(parts)


print(shout(greeting))
