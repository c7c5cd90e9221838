# Comprehensions and a generator. On 3.12+ list, set and dict comprehensions are inlined
# (PEP 709: no code object of their own); generator expressions still get one.

squares = [n * n for n in range(10)]
evens = {n for n in squares if n % 2 == 0}
lengths = {word: len(word) for word in ("tokens", "ast", "bytecode")}
total = sum(n for n in range(100) if n % 3 == 0)  # a <genexpr> code object


def countdown(n):
    """A generator function: RETURN_GENERATOR, then YIELD_VALUE at each step."""
    while n > 0:
        yield n
        n -= 1


print(squares, evens, lengths, total)
print(list(countdown(5)))
