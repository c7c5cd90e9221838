# A deliberate syntax error: the bracket on line 6 is never closed. The source pane marks
# the error, the token pane still shows every token before it, and the AST and bytecode
# panes explain the problem instead of showing content. Fix the file and save: every pane
# comes back.
total = 0
print(total + 1
for i in range(3):
    total += i
