import GreenlightCore
import GreenlightMeter
print("bench")
