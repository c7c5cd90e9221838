# Lazy imports (PEP 810), new in Python 3.15. `lazy import json` binds the name json at
# once, but to a stand-in, a lazy_import object: the module is found, loaded and run only
# when the program first uses the name, which from then on means the module itself. A
# program can import everything it may need at the top and pay only for what it uses.
#   AST: Import and ImportFrom nodes whose is_lazy field is 1.
#   Bytecode: the same IMPORT_NAME as ever, its argument marked "json + lazy".
#   Run (F5): json is <lazy_import 'json'> until the line that first uses it.
# Allowed at module level only: not in a function, a class or a try block.
# Python 3.14 and older cannot read this file: to them "lazy" is a name before a keyword.
import sys
lazy import json
lazy from difflib import get_close_matches


def kind(name):
    """What the global ``name`` is bound to right now, looked at without using it."""
    return type(globals()[name]).__name__


print("json is a", kind("json"))
text = json.dumps({"lazy": True})  # the first use: the import happens here
print("json is a", kind("json"), "giving", text)

print("difflib loaded:", "difflib" in sys.modules)
print(get_close_matches("lazzy", ["lazy", "eager"]))
print("difflib loaded:", "difflib" in sys.modules)
