# The classic first program. Put the cursor on `+` in the last line: the PLUS token,
# the BinOp node and the BINARY_OP instruction light up together.
x = 5
y = 10
print(x + y)
