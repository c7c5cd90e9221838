# A function and a loop. In the bytecode pane, `fibonacci` is its own code object;
# the `for` loop becomes GET_ITER / FOR_ITER with a backward jump.


def fibonacci(n):
    """Return the first n Fibonacci numbers."""
    numbers = []
    a, b = 0, 1
    for _ in range(n):
        numbers.append(a)
        a, b = b, a + b  # a swap: no tuple is built, two stores (3.13: STORE_FAST_STORE_FAST)
    return numbers


print(fibonacci(10))
