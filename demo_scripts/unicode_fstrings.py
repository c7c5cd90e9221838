# f-strings and non-ASCII text. CPython reports AST and bytecode columns in UTF-8 bytes;
# tui-exec converts them to characters, so highlights land on the right cells even for
# accented letters, CJK characters (two cells wide) and emoji.
café = "crème brûlée"
城市 = "東京"
emoji = "🐍✨"
width = 12

print(f"{café!r:>{width}} in {城市}")
print(f"{emoji * 2} and {len(emoji)=}")
print(f"{{literal braces}} {width:#x}")
