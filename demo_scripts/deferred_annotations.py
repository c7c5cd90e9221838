# Deferred annotations (PEP 649 and PEP 749), new in Python 3.14. An annotation is no
# longer evaluated where it is written: the compiler moves the annotations of a module, a
# class or a function into a small function of their own, __annotate__, which runs only
# when something reads __annotations__. So an annotation may name a class that does not
# exist yet, like Tree below.
#   Bytecode: one __annotate__ code object per annotated scope; select one and the AST
#   pane shows the module, class or function whose annotations it computes.
#   Run (F5): __annotate__'s steps come at the lines that read __annotations__, not here
#   where the annotations are written.
# Before 3.14 a class body evaluated its annotations at once: this file stops in Leaf
# with "NameError: name 'Tree' is not defined".
import sys

count: int = 0


class Leaf:
    value: int
    parent: Tree


def plant(seed: Leaf) -> Tree:
    return Tree()


class Tree:
    leaves: list[Leaf]


# Reading the annotations runs each scope's __annotate__, now that Tree exists.
print(plant.__annotations__)
print(Leaf.__annotations__)
print(sys.modules[__name__].__annotations__)
