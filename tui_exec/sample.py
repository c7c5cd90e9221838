"""The program shown when tui-exec starts without a file."""

SAMPLE_NAME = "<sample>"

SAMPLE_PROGRAM = '''\
# Welcome to tui-exec. You are in the editor: every pane follows the text. F1: help, F2: read.
def fibonacci(n):
    """Return the first n Fibonacci numbers."""
    a, b = 0, 1
    numbers = []
    for _ in range(n):
        numbers.append(a)
        a, b = b, a + b
    return numbers


x = 5
y = 10
print(x + y)
print(fibonacci(10))
'''
